import { fileURLToPath } from 'node:url';
import { emptyDatabase, type TestDriver } from '@escape-room/test-utils/databases';
import { databaseTarget, migrate, openDatabase, type Database } from './db/index.js';
import { readRoomsFile, seedDatabase } from './service/seed.js';

// For this package's own tests only (excluded from the build, never exported).

const ROOMS_FILE = fileURLToPath(new URL('../../../data/rooms.json', import.meta.url));

/** A migrated database of the given driver with the repository's rooms, and a way to throw it away. */
export async function freshDatabase(driver: TestDriver = 'sqlite'): Promise<{ db: Database; dispose: () => Promise<void> }> {
  const empty = await emptyDatabase(driver);
  const db = await openDatabase(databaseTarget(empty.url));
  await migrate(db);
  await seedDatabase(db, { rooms: await readRoomsFile(ROOMS_FILE) }, Date.now());
  return {
    db,
    async dispose() {
      await db.close(true);
      await empty.dispose();
    },
  };
}
