import { afterAll, beforeAll } from 'vitest';
import { call } from './http.js';
import { startServer, tempDatabase, type RunningServer } from './server.js';

/**
 * One real server on a fresh SQLite file for the whole test file: started before the first
 * test, stopped and deleted after the last.
 */
export function useServer(env: Record<string, string> = {}) {
  let server: RunningServer | undefined;
  let db: Awaited<ReturnType<typeof tempDatabase>> | undefined;
  beforeAll(async () => {
    db = await tempDatabase();
    server = await startServer({ DATABASE_URL: db.url, ...env });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.dispose();
  });
  const running = () => {
    if (!server) throw new Error('the server starts in beforeAll');
    return server;
  };
  return {
    get server() {
      return running();
    },
    get url() {
      return running().url;
    },
    /** A request to the REST API: `api('GET', '/rooms')`. */
    api: (method: string, path: string, options?: Parameters<typeof call>[3]) => call(running().url, method, `/api/v1${path}`, options),
  };
}
