import type { BookingPage, ListBookingsQuery } from '../contract/index.js';
import { BookingError } from '../domain/errors.js';
import * as bookingSql from '../db/booking-sql.js';
import type { BookingRow } from '../db/booking-sql.js';
import { sqlRunner } from '../db/sql.js';
import type { ServiceDeps } from './deps.js';
import { fromBookingRow, toBookingDto } from './serialize.js';
import { readVenue } from './venue.js';

// Pages are ordered by (start_at, id); the cursor is the last row's key, opaque to callers.
type CursorKey = [startAt: number, id: string];

function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): CursorKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === 2 && Number.isSafeInteger(key[0]) && typeof key[1] === 'string') {
      return key as CursorKey;
    }
  } catch {
    // fall through to the validation error below
  }
  throw new BookingError('VALIDATION_ERROR', 'cursor is not one this API returned', [
    { path: 'cursor', message: 'Pass next_cursor from the previous page unchanged' },
  ]);
}

/** Every booking matching the filters, oldest slot first, one page at a time; `status` is the status as read at now. */
export async function listBookings({ db, clock }: ServiceDeps, query: ListBookingsQuery): Promise<BookingPage> {
  const now = clock.now();
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
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
    next_cursor: rows.length > query.limit && last ? encodeCursor([last.startAt, last.id]) : null,
  };
}
