import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openDatabase, readRoomsFile, seedRooms, type Database } from '../db/index.js';
import type { DatabaseTarget } from '../db/database-url.js';
import { createPostgresDatabase, type TestDriver } from './postgres.js';

const ROOMS_FILE = fileURLToPath(new URL('../../../../data/rooms.json', import.meta.url));

/** An empty database of the given driver: a SQLite file in a temporary directory, or a new PostgreSQL database. */
export async function emptyDatabase(driver: TestDriver): Promise<{ target: DatabaseTarget; url: string; dispose: () => Promise<void> }> {
  if (driver === 'postgresql') {
    const created = await createPostgresDatabase();
    return { target: { driver, url: created.url }, url: created.url, dispose: created.drop };
  }
  const dir = await mkdtemp(join(tmpdir(), 'escape-room-'));
  const path = join(dir, 'test.sqlite');
  return { target: { driver, path }, url: `sqlite:${path}`, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A migrated, seeded database of the given driver, and a way to throw it away. */
export async function freshDatabase(driver: TestDriver = 'sqlite'): Promise<{ db: Database; dispose: () => Promise<void> }> {
  const empty = await emptyDatabase(driver);
  const db = await openDatabase(empty.target);
  await migrate(db);
  await seedRooms(db, await readRoomsFile(ROOMS_FILE));
  return {
    db,
    async dispose() {
      await db.close(true);
      await empty.dispose();
    },
  };
}
