import type { FilterQuery } from '@mikro-orm/core';
import type { BookingPage, BookingStatus, ListBookingsQuery } from '../contract/index.js';
import { BookingError } from '../domain/errors.js';
import { Booking } from '../db/entities.js';
import type { ServiceDeps } from './deps.js';
import { toBookingDto } from './serialize.js';


/** The stored rows that read as `status` at `now` (pending and expired split on the hold's expiry). */
function readsAs(status: BookingStatus, now: number): FilterQuery<Booking> {
  switch (status) {
    case 'pending':
      return { status: 'pending', expiresAt: { $gt: now } };
    case 'expired':
      return { $or: [{ status: 'expired' }, { status: 'pending', expiresAt: { $lte: now } }] };
    default:
      return { status };
  }
}

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

/** Every booking matching the filters, oldest slot first, one page at a time. */
export async function listBookings({ db, clock }: ServiceDeps, query: ListBookingsQuery): Promise<BookingPage> {
  const now = clock.now();
  const where: FilterQuery<Booking>[] = [];
  if (query.status) where.push(readsAs(query.status, now));
  if (query.room_id !== undefined) where.push({ room: query.room_id });
  if (query.from !== undefined) where.push({ endAt: { $gt: query.from } });
  if (query.to !== undefined) where.push({ startAt: { $lt: query.to } });
  if (query.cursor) {
    const [startAt, id] = decodeCursor(query.cursor);
    where.push({ $or: [{ startAt: { $gt: startAt } }, { startAt, id: { $gt: id } }] });
  }
  const rows = await db.em.fork().find(Booking, { $and: where }, {
    orderBy: [{ startAt: 'asc' }, { id: 'asc' }],
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    bookings: page.map((b) => toBookingDto(b, now)),
    next_cursor: rows.length > query.limit && last ? encodeCursor([last.startAt, last.id]) : null,
  };
}
