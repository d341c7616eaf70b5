import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { toCents } from '../contract/money.js';
import { driverOf, nativePgPool, type Database } from './orm.js';
import { Room } from './entities.js';

// Any constant will do, as long as every instance uses the same one.
const MIGRATION_LOCK = 0x657363617065; // "escape"

/**
 * Applies every pending migration; returns the names it ran. On PostgreSQL several instances
 * may start at once, so they take turns under an advisory lock held on a connection of its
 * own; the second finds nothing pending. (SQLite is the single-node choice: start one first.)
 */
export async function migrate(db: Database): Promise<string[]> {
  const run = async () => (await db.migrator.up()).map((m) => m.name);
  if (driverOf(db) !== 'postgresql') return run();
  const lockHolder = await (await nativePgPool(db)).connect();
  try {
    await lockHolder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await run();
  } finally {
    await lockHolder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    lockHolder.release();
  }
}

const RoomsFileSchema = z.array(
  z.object({
    id: z.number().int().positive(),
    name: z.string().min(1).max(200),
    description: z.string(),
    price: z.number().nonnegative(),
  }),
);
export type RoomSeed = z.infer<typeof RoomsFileSchema>[number];

export async function readRoomsFile(path: string): Promise<RoomSeed[]> {
  const parsed = RoomsFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is not a valid rooms file: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * Makes the rooms table agree with the seed: inserts missing rooms, updates changed ones,
 * never deletes (bookings may point at a room the file no longer lists). Safe to run at every start.
 */
export async function seedRooms(db: Database, rooms: RoomSeed[]): Promise<number> {
  if (rooms.length === 0) return 0;
  const em = db.em.fork();
  await em.upsertMany(
    Room,
    rooms.map((r) => ({ id: r.id, name: r.name, description: r.description, priceCents: toCents(r.price) })),
  );
  return rooms.length;
}
