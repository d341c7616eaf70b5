import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEntryPoint, spawnServer, type RunningServer } from '@escape-room/server/spawn';

export type { RunningServer };
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';

/** A fresh SQLite file in its own temporary directory. */
export async function tempDatabase(): Promise<{ url: string; dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'escape-room-e2e-'));
  return { url: `sqlite:${join(dir, 'db.sqlite')}`, dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs a compiled entry point of the server (main.js, migrate.js) to completion. */
export const runScript = runEntryPoint;

/**
 * Starts the real, compiled server with the tests' admin key, logging at info (tests read
 * its log). Rate limits are off unless a test turns them on: most tests are one client
 * sending bursts on purpose.
 */
export function startServer(env: Record<string, string>): Promise<RunningServer> {
  return spawnServer({ ADMIN_API_KEY: TEST_ADMIN_KEY, RATE_LIMIT_ENABLED: 'false', LOG_LEVEL: 'info', ...env });
}
