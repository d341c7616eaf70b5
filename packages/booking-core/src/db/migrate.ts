import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Database } from './orm.js';
import { Room } from './entities.js';

/** Applies every pending migration; returns the names it ran. */
export async function migrate(db: Database): Promise<string[]> {
  const applied = await db.getMigrator().up();
  return applied.map((m) => m.name);
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
    rooms.map((r) => ({ id: r.id, name: r.name, description: r.description, priceCents: Math.round(r.price * 100) })),
  );
  return rooms.length;
}
