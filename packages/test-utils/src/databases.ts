import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresDatabase, type TestDriver } from './postgres.js';

export * from './postgres.js';

/**
 * An empty database of the given driver, as a DATABASE_URL: a SQLite file in a temporary
 * directory, or a new PostgreSQL database. `dispose` removes it, connections left open or not.
 */
export async function emptyDatabase(driver: TestDriver): Promise<{ url: string; dispose: () => Promise<void> }> {
  if (driver === 'postgresql') {
    const created = await createPostgresDatabase();
    return { url: created.url, dispose: created.drop };
  }
  const dir = await mkdtemp(join(tmpdir(), 'escape-room-'));
  return { url: `sqlite:${join(dir, 'test.sqlite')}`, dispose: () => rm(dir, { recursive: true, force: true }) };
}
