import { freeRangeRoomsFile, runEntryPoint, spawnServer, type RunningServer } from '@escape-room/test-utils';

export type { RunningServer };
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';

/** Runs a compiled entry point of the server (main.js, migrate.js) to completion. */
export const runScript = runEntryPoint;

/**
 * Starts the real, compiled server with the tests' admin key, logging at info (tests read
 * its log). Rate limits are off unless a test turns them on: most tests are one client
 * sending bursts on purpose. A fresh database gets the free-range rooms unless a test names
 * its own ROOMS_FILE (data/rooms.json for the shipped demo). Outputs are checked against their
 * schemas (CHECK_OUTPUTS): the suites are what proves the outputs tRPC does not parse.
 */
export function startServer(env: Record<string, string>): Promise<RunningServer> {
  return spawnServer({
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'info',
    ROOMS_FILE: freeRangeRoomsFile(),
    CHECK_OUTPUTS: 'true',
    ...env,
  });
}
