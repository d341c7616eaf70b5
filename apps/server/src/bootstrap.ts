import { migrate, openDatabase, type Database } from '@escape-room/booking-core/db';
import { readRoomsFile, readVenueFile, seedDatabase } from '@escape-room/booking-core/service';
import type { Config } from './config.js';

export interface PreparedDatabase {
  db: Database;
  appliedMigrations: string[];
  /** Rooms of the rooms file the database did not have yet. */
  seededRooms: number;
}

/**
 * Opens the configured database, applies pending migrations, and gives a fresh install the
 * venue and rooms files' contents (settings and rooms already stored are never overwritten).
 */
export async function prepareDatabase(config: Pick<Config, 'DATABASE_URL' | 'ROOMS_FILE' | 'VENUE_FILE'>): Promise<PreparedDatabase> {
  const db = await openDatabase(config.DATABASE_URL);
  try {
    const appliedMigrations = await migrate(db);
    const files = { venue: await readVenueFile(config.VENUE_FILE), rooms: await readRoomsFile(config.ROOMS_FILE) };
    const { addedRooms } = await seedDatabase(db, files, Date.now());
    return { db, appliedMigrations, seededRooms: addedRooms };
  } catch (error) {
    await db.close(true);
    throw error;
  }
}

/** The smallest query that proves the database answers. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.em.fork().getConnection().execute('select 1');
}
