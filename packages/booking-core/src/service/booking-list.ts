import type { BookingPage, ListBookingsQuery } from '../contract/index.js';
import * as bookingSql from '../db/booking-sql.js';
import type { BookingRow } from '../db/booking-sql.js';
import { sqlRunner } from '../db/sql.js';
import type { ServiceDeps } from './deps.js';
import { cursorCodec } from './cursor.js';
import { fromBookingRow, toBookingDto } from './serialize.js';
import { readVenue } from './venue.js';

// Pages are ordered by (start_at, id); the cursor is the last row's key.
const cursor = cursorCodec(
  (key): key is [startAt: number, id: string] => Array.isArray(key) && key.length === 2 && Number.isSafeInteger(key[0]) && typeof key[1] === 'string',
);

/** Every booking matching the filters, oldest slot first, one page at a time; `status` is the status as read at now. */
export async function listBookings({ db, clock }: ServiceDeps, query: ListBookingsQuery): Promise<BookingPage> {
  const now = clock.now();
  const after = query.cursor ? cursor.decode(query.cursor) : undefined;
  const sql = sqlRunner(db);
  const venue = await readVenue(sql);
  const rows = await sql.all<BookingRow>(
    bookingSql.listBookings(
      {
        status: query.status,
        roomId: query.room_id,
        reference: query.reference,
        from: query.from,
        to: query.to,
        after: after && { startAt: after[0], id: after[1] },
        limit: query.limit + 1,
      },
      now,
    ),
  );
  const page = rows.slice(0, query.limit).map(fromBookingRow);
  const last = page.at(-1);
  return {
    bookings: page.map((b) => toBookingDto(b, now, venue)),
    next_cursor: rows.length > query.limit && last ? cursor.encode([last.startAt, last.id]) : null,
  };
}
