import { roomColumns, type RoomRow } from './room-sql.js';
import type { Statement } from './sql.js';

// The statements the catalog cache runs: its version (every read), and the rooms (on a change).

const VERSION = 'select version from catalog_version where id = 1';
/** The catalog's version; PostgreSQL sends the bigint as text. */
export const catalogVersion = (): Statement => ({ text: VERSION, params: [] });
export interface CatalogVersionRow {
  version: number | string;
}

const ROOMS = `select ${roomColumns('room')}, archived_at is not null as archived, schedule from room order by id`;
/** Every room, archived ones too (bookings keep pointing at them), with its schedule. */
export const catalogRooms = (): Statement => ({ text: ROOMS, params: [] });
export interface CatalogRoomRow extends RoomRow {
  /** A boolean on PostgreSQL, 0 or 1 on SQLite. */
  archived: boolean | number;
  /** JSON text, or null for a room that takes any free range. */
  schedule: string | null;
}
