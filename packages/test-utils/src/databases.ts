import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const SHIPPED_ROOMS_FILE = fileURLToPath(new URL('../../../data/rooms.json', import.meta.url));
let freeRangeRooms: string | undefined;

/**
 * A rooms file with the free-range rooms of data/rooms.json, the original API's ten: what the
 * tests seed unless they are about the shipped demo (its scheduled room would add sessions to
 * every listing a test makes). Written once per process; each test sets the schedules it needs.
 */
export function freeRangeRoomsFile(): string {
  if (!freeRangeRooms) {
    const rooms = JSON.parse(readFileSync(SHIPPED_ROOMS_FILE, 'utf8')) as { schedule?: unknown }[];
    freeRangeRooms = join(mkdtempSync(join(tmpdir(), 'escape-room-rooms-')), 'rooms.json');
    writeFileSync(freeRangeRooms, JSON.stringify(rooms.filter((room) => !room.schedule)));
  }
  return freeRangeRooms;
}
