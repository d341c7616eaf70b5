import { afterAll, beforeAll } from 'vitest';
import { emptyDatabase, type TestDriver } from '@escape-room/test-utils';
import { call } from './http.js';
import { startServer, type RunningServer } from './server.js';

/**
 * One real server on a fresh database of the given driver for the enclosing suite: started
 * before its first test, stopped (and the database dropped) after its last.
 */
export function useServer(env: Record<string, string> = {}, driver: TestDriver = 'sqlite') {
  let server: RunningServer | undefined;
  let db: Awaited<ReturnType<typeof emptyDatabase>> | undefined;
  beforeAll(async () => {
    db = await emptyDatabase(driver);
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
    driver,
    get server() {
      return running();
    },
    get url() {
      return running().url;
    },
    /** The database's URL, for tests that look behind the server's back. */
    get databaseUrl() {
      if (!db) throw new Error('the database is created in beforeAll');
      return db.url;
    },
    /** A request to the REST API: `api('GET', '/rooms')`. */
    api: (method: string, path: string, options?: Parameters<typeof call>[3]) => call(running().url, method, `/api/v1${path}`, options),
  };
}
