import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { RoomSeedSchema, VenueFileSchema, toCents, type RoomSeed, type UpdateVenueRequest } from '../contract/index.js';
import { scheduleOverlaps } from '../domain/schedule.js';
import type { Database } from '../db/orm.js';
import { sqlRunner } from '../db/sql.js';
import { storeTiers } from './serialize.js';
import { assertPricesExact } from './rooms.js';
import { readVenue, seedVenue } from './venue.js';

// What a fresh install starts with: data/venue.json and data/rooms.json. Both only ever insert,
// so settings and rooms the venue changed later survive every restart.

const RoomsFileSchema = z.array(RoomSeedSchema);

async function readJson<T extends z.ZodType>(path: string, schema: T, what: string): Promise<z.output<T>> {
  const parsed = schema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is not a valid ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export const readRoomsFile = (path: string): Promise<RoomSeed[]> => readJson(path, RoomsFileSchema, 'rooms file');
export const readVenueFile = (path: string): Promise<UpdateVenueRequest> => readJson(path, VenueFileSchema, 'venue file');

const INSERT_ROOM_IF_ABSENT = `insert into room (id, name, description, price_cents, price_per, price_tiers, min_players, max_players, buffer_minutes, schedule)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing`;

/**
 * Inserts the rooms the database does not have yet; rooms it has stay as the venue left them.
 * Never deletes: bookings may point at a room the file no longer lists. Returns how many it added.
 */
export async function seedRooms(db: Database, rooms: RoomSeed[]): Promise<number> {
  const sql = sqlRunner(db);
  const venue = await readVenue(sql);
  let added = 0;
  for (const room of rooms) {
    assertPricesExact(venue, room, `rooms.${room.id}.`);
    const overlaps = room.schedule ? scheduleOverlaps({ schedule: room.schedule, bufferMinutes: room.buffer_minutes }) : [];
    if (overlaps[0]) throw new Error(`Room ${room.id}'s schedule: ${overlaps[0].message}`);
    added += await sql.run({
      text: INSERT_ROOM_IF_ABSENT,
      params: [room.id, room.name, room.description, toCents(room.price), room.price_per, storeTiers(room.price_tiers), room.min_players, room.max_players, room.buffer_minutes, room.schedule ? JSON.stringify(room.schedule) : null],
    });
  }
  return added;
}

/** Seeds the venue, then the rooms (whose prices must suit the venue's currency). */
export async function seedDatabase(db: Database, files: { venue?: UpdateVenueRequest; rooms: RoomSeed[] }, now: number): Promise<{ addedRooms: number }> {
  await seedVenue(db, files.venue ?? {}, now);
  return { addedRooms: await seedRooms(db, files.rooms) };
}
