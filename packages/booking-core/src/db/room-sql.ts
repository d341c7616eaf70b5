import type { PricePer } from '../contract/rooms.js';
import type { Statement } from './sql.js';
import { JOIN_VENUE, VENUE_COLUMNS, type JoinedVenueRow } from './venue-sql.js';

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

/** What `roomForHold` reads: the room, whether it is archived, its schedule, and the venue. */
export type HoldRoomRow = RoomRow &
  JoinedVenueRow & {
    archived_at: unknown;
    /** JSON text, or null for a room that takes any free range. */
    schedule: string | null;
  };

const FOR_HOLD = `select ${roomColumns('room')}, room.archived_at, room.schedule, ${VENUE_COLUMNS} from room ${JOIN_VENUE} where room.id = ?`;

/**
 * The room a hold is for, with whether it is archived, and the venue's rules in the same round
 * trip. `forUpdate` (PostgreSQL) makes holds on one room take turns on its row until their
 * transaction ends: on the room's row only (`of room`), as holds of every room read the venue.
 */
export const roomForHold = (roomId: number, forUpdate: string): Statement => ({
  text: forUpdate ? `${FOR_HOLD}${forUpdate} of room` : FOR_HOLD,
  params: [roomId],
});

