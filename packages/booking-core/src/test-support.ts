import { emptyDatabase, freeRangeRoomsFile, type TestDriver } from '@escape-room/test-utils/databases';
import { databaseTarget, migrate, openDatabase, type Database } from './db/index.js';
import { readRoomsFile, seedDatabase } from './service/seed.js';

// For this package's own tests only (excluded from the build, never exported).

/** A migrated database of the given driver with the repository's free-range rooms, and a way to throw it away. */
export async function freshDatabase(driver: TestDriver = 'sqlite'): Promise<{ db: Database; dispose: () => Promise<void> }> {
  const empty = await emptyDatabase(driver);
  const db = await openDatabase(databaseTarget(empty.url));
  await migrate(db);
  await seedDatabase(db, { rooms: await readRoomsFile(freeRangeRoomsFile()) }, Date.now());
  return {
    db,
    async dispose() {
      await db.close(true);
      await empty.dispose();
    },
  };
}
