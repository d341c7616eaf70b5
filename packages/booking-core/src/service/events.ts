import type { BookingEvent, EventPage, ListEventsQuery } from '../contract/index.js';
import * as eventSql from '../db/event-sql.js';
import type { EventRow } from '../db/event-sql.js';
import * as bookingSql from '../db/booking-sql.js';
import { sqlRunner } from '../db/sql.js';
import { BookingError } from '../domain/errors.js';
import type { ServiceDeps } from './deps.js';
import { serialCursor } from './cursor.js';

// Stored payloads are the events exactly as they were delivered; reading one is parsing it.
const parse = (row: EventRow) => JSON.parse(row.payload) as BookingEvent;

/** The event log, oldest first, filtered and paged like the booking listing. */
export async function listEvents({ db }: ServiceDeps, query: ListEventsQuery): Promise<EventPage> {
  const after = query.cursor ? serialCursor.decode(query.cursor)[0] : undefined;
  const rows = await sqlRunner(db).all<EventRow>(
    eventSql.listEvents({ type: query.type, bookingId: query.booking_id, from: query.from, to: query.to, afterSeq: after, limit: query.limit + 1 }),
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    events: page.map(parse),
    next_cursor: rows.length > query.limit && last ? serialCursor.encode([Number(last.seq)]) : null,
  };
}

/** One booking's history, oldest first: whoever holds its id may read it. */
export async function bookingEvents({ db }: ServiceDeps, bookingId: string): Promise<BookingEvent[]> {
  const sql = sqlRunner(db);
  const rows = await sql.all<EventRow>(eventSql.eventsOfBooking(bookingId));
  if (rows.length === 0 && (await sql.all(bookingSql.bookingById(bookingId))).length === 0) {
    throw new BookingError('BOOKING_NOT_FOUND', `No booking has the id ${JSON.stringify(bookingId.slice(0, 64))}`);
  }
  return rows.map(parse);
}
