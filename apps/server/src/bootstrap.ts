import { migrate, openDatabase, readRoomsFile, seedRooms, type Database } from '@escape-room/booking-core/db';
import type { Config } from './config.js';

export interface PreparedDatabase {
  db: Database;
  appliedMigrations: string[];
  seededRooms: number;
}

/** Opens the configured database, applies pending migrations and loads the rooms file. */
export async function prepareDatabase(config: Pick<Config, 'DATABASE_URL' | 'ROOMS_FILE'>): Promise<PreparedDatabase> {
  const db = await openDatabase(config.DATABASE_URL);
  try {
    const appliedMigrations = await migrate(db);
    const seededRooms = await seedRooms(db, await readRoomsFile(config.ROOMS_FILE));
    return { db, appliedMigrations, seededRooms };
  } catch (error) {
    await db.close(true);
    throw error;
  }
}

/** The smallest query that proves the database answers. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.em.fork().getConnection().execute('select 1');
}
