import type { Venue } from '../contract/venue.js';
import type { Statement, SqlValue } from './sql.js';

// The statements on `venue`, one row (id 1), whose columns are the wire form's fields.

export type VenueRow = Venue;

const COLUMNS = ['name', 'timezone', 'currency', 'min_notice_minutes', 'horizon_days', 'cancellation_cutoff_hours'] as const;
const READ = `select ${COLUMNS.join(', ')} from venue where id = 1`;
const WRITE = (onConflict: string) =>
  `insert into venue (id, ${COLUMNS.join(', ')}, updated_at) values (1, ?, ?, ?, ?, ?, ?, ?) on conflict (id) ${onConflict}`;
const INSERT_IF_ABSENT = WRITE('do nothing');
const UPSERT = WRITE(`do update set ${[...COLUMNS, 'updated_at'].map((c) => `${c} = excluded.${c}`).join(', ')}`);

export const readVenue = (): Statement => ({ text: READ, params: [] });

/**
 * The venue read alongside another table's row, one round trip for both: a join clause and the
 * columns it adds, each as `venue_<column>`, with `venue_id` null while no venue is stored.
 */
export const JOIN_VENUE = 'left join venue on venue.id = 1';
export const VENUE_COLUMNS = ['venue.id as venue_id', ...COLUMNS.map((c) => `venue.${c} as venue_${c}`)].join(', ');
export type JoinedVenueRow = { venue_id: number | null } & { [K in (typeof COLUMNS)[number] as `venue_${K}`]: VenueRow[K] | null };

/** The venue in a row read with VENUE_COLUMNS; undefined while none is stored. */
export function joinedVenue(row: JoinedVenueRow): VenueRow | undefined {
  if (row.venue_id === null) return undefined;
  return Object.fromEntries(COLUMNS.map((c) => [c, row[`venue_${c}`]])) as unknown as VenueRow;
}

const values = (venue: VenueRow, now: number): SqlValue[] => [...COLUMNS.map((c) => venue[c]), now];
/** A fresh install's first settings; never overwrites settings already stored. */
export const insertVenueIfAbsent = (venue: VenueRow, now: number): Statement => ({ text: INSERT_IF_ABSENT, params: values(venue, now) });
export const writeVenue = (venue: VenueRow, now: number): Statement => ({ text: UPSERT, params: values(venue, now) });
