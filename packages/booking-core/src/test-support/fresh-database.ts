import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase, readRoomsFile, seedRooms, type Database } from '../db/index.js';

export const ROOMS_FILE = new URL('../../../../data/rooms.json', import.meta.url).pathname;

/** A migrated, seeded SQLite file in its own temporary directory, and a way to throw it away. */
export async function freshDatabase(): Promise<{ db: Database; path: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'escape-room-'));
  const path = join(dir, 'test.sqlite');
  const db = await openDatabase({ driver: 'sqlite', path });
  await migrate(db);
  await seedRooms(db, await readRoomsFile(ROOMS_FILE));
  return {
    db,
    path,
    async dispose() {
      await db.close(true);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
