import type { PricePer } from '../contract/rooms.js';
import type { Statement } from './sql.js';

// The statements the hot paths run on `room`: constant texts, prepared once per connection.

/** A room's columns as the wire form needs them (the schedule only as whether there is one). */
const COLUMNS = ['id', 'name', 'description', 'price_cents', 'price_per', 'price_tiers', 'min_players', 'max_players', 'buffer_minutes'] as const;
type Column = (typeof COLUMNS)[number];

/** The room columns of a select: `alias.column as prefixcolumn`, plus `scheduled`. */
export function roomColumns(alias: string, prefix = ''): string {
  return [...COLUMNS.map((c) => `${alias}.${c} as ${prefix}${c}`), `${alias}.schedule is not null as ${prefix}scheduled`].join(', ');
}

export interface RoomRow {
  id: number;
  name: string;
  description: string;
  price_cents: number;
  price_per: PricePer;
  /** JSON text. */
  price_tiers: string;
  min_players: number;
  max_players: number | null;
  buffer_minutes: number;
  /** A boolean on PostgreSQL, 0 or 1 on SQLite. */
  scheduled: boolean | number;
}
/** The same row under a prefix, as joins select it. */
export type PrefixedRoomRow<P extends string> = { [K in Column | 'scheduled' as `${P}${K}`]: RoomRow[K] };

/** What `roomForHold` reads: the room, whether it is archived, and its schedule. */
export interface HoldRoomRow extends RoomRow {
  archived_at: unknown;
  /** JSON text, or null for a room that takes any free range. */
  schedule: string | null;
}

const OPEN_ROOMS = `select ${roomColumns('room')} from room where archived_at is null order by id`;
const BY_ID = `select ${roomColumns('room')} from room where id = ?`;
const FOR_HOLD = `select ${roomColumns('room')}, archived_at, schedule from room where id = ?`;
const SCHEDULED = `select ${roomColumns('room')}, schedule from room where archived_at is null and schedule is not null`;

/** The rooms guests can book, archived ones left out. */
export const openRooms = (): Statement => ({ text: OPEN_ROOMS, params: [] });
/** One room, archived or not. */
export const roomById = (roomId: number): Statement => ({ text: BY_ID, params: [roomId] });
/**
 * The room a hold is for, with whether it is archived. `forUpdate` (PostgreSQL) makes holds on
 * one room take turns on its row until their transaction ends.
 */
export const roomForHold = (roomId: number, forUpdate: string): Statement => ({
  text: forUpdate ? `${FOR_HOLD}${forUpdate}` : FOR_HOLD,
  params: [roomId],
});

/** Open rooms that sell sessions, with their schedules; one of them when `roomId` is given. */
export const scheduledRooms = (roomId?: number): Statement =>
  roomId === undefined ? { text: `${SCHEDULED} order by id`, params: [] } : { text: `${SCHEDULED} and id = ?`, params: [roomId] };
export type ScheduledRoomRow = RoomRow & { schedule: string };
