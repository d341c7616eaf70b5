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

const values = (venue: VenueRow, now: number): SqlValue[] => [...COLUMNS.map((c) => venue[c]), now];
/** A fresh install's first settings; never overwrites settings already stored. */
export const insertVenueIfAbsent = (venue: VenueRow, now: number): Statement => ({ text: INSERT_IF_ABSENT, params: values(venue, now) });
export const writeVenue = (venue: VenueRow, now: number): Statement => ({ text: UPSERT, params: values(venue, now) });
