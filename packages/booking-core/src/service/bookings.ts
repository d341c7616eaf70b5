import type { Booking as BookingDto, BookingStatus, HoldRequest } from '../contract/index.js';
import { BookingError } from '../domain/errors.js';
import { assertBookable, extendedExpiry, holdExpiry } from '../domain/hold-policy.js';
import { transitions, type BookingState } from '../domain/status.js';
import * as bookingSql from '../db/booking-sql.js';
import type { BookingRow } from '../db/booking-sql.js';
import * as roomSql from '../db/room-sql.js';
import type { HoldRoomRow } from '../db/room-sql.js';
import { sqlRunner } from '../db/sql.js';
import type { HoldOptions } from './api.js';
import type { ServiceDeps } from './deps.js';
import { idempotent } from './idempotency.js';
import { newBookingId } from './ids.js';
import { fromBookingRow, roomView, toBookingDto } from './serialize.js';
import { roomNotFound } from './rooms.js';
import { inSqlTransaction } from './transaction.js';

const slotTaken = () => new BookingError('SLOT_UNAVAILABLE', 'The room is already booked or held for part of that time');

// The hold's own statements on guest: constant texts, prepared once per connection.
// One guest record per address, whatever its case; the latest name and spelling win. An
// unchanged record is not rewritten (a page write per hold saved): then nothing is returned.
const UPSERT_CHANGED_GUEST = `insert into guest (email, email_key, name, created_at) values (?, ?, ?, ?)
  on conflict (email_key) do update set email = excluded.email, name = excluded.name
    where guest.email <> excluded.email or guest.name <> excluded.name
  returning id`;
const GUEST_BY_KEY = 'select id from guest where email_key = ?';

/**
 * Places a hold: one write transaction of hand-written statements (the hot write path). It
 * takes the room's turn and checks the room, marks lapsed holds on the slot as expired (the
 * PostgreSQL constraint sees statuses, not clocks), checks for a live overlap, and inserts.
 * The database's own guard refuses an overlap that slips past the check (another process, say).
 */
async function insertHold(deps: ServiceDeps, request: HoldRequest): Promise<BookingDto> {
  const { db, clock, policy } = deps;
  const now = clock.now();
  const slot = { start: request.start_date, end: request.end_date };
  assertBookable(slot, now);
  const roomId = request.room_id;
  const { name, email } = request.guest;
  const emailKey = email.toLowerCase();
  try {
    return await inSqlTransaction(db, async (sql) => {
      // Holds on one room take turns from here (PostgreSQL: a lock on the room's row), so the
      // check below sees every earlier hold committed. Without the turn, two holds racing for a
      // slot would both pass the check and meet in the exclusion constraint, which can deadlock
      // them (the benchmark's contention scenario did, with one-second waits for the detector).
      const [room] = await sql.all<HoldRoomRow>(roomSql.roomForHold(roomId, sql.forUpdate));
      if (!room) throw roomNotFound(roomId);
      if (room.archived_at != null) throw new BookingError('ROOM_ARCHIVED', `Room ${roomId} is archived and takes no new holds`);
      await sql.run(bookingSql.expireLapsedOverlapping(roomId, slot, now));
      if ((await sql.all(bookingSql.anyBlocking(roomId, slot, now))).length > 0) throw slotTaken();

      const [changed] = await sql.all<{ id: number }>({ text: UPSERT_CHANGED_GUEST, params: [email, emailKey, name, now] });
      const [guest] = changed ? [changed] : await sql.all<{ id: number }>({ text: GUEST_BY_KEY, params: [emailKey] });
      if (!guest) throw new Error('the guest upserted in this transaction is missing');
      const booking = {
        id: newBookingId(),
        status: 'pending' as const,
        startAt: slot.start,
        endAt: slot.end,
        createdAt: now,
        expiresAt: holdExpiry(policy, now),
      };
      await sql.run(bookingSql.insertBooking({ ...booking, roomId, guestId: guest.id }));
      return toBookingDto({ ...booking, room: roomView(room), guest: { name, email } }, now);
    });
  } catch (error) {
    if (bookingSql.isOverlapViolation(error)) throw slotTaken();
    throw error;
  }
}

export function placeHold(deps: ServiceDeps, request: HoldRequest, options: HoldOptions = {}): Promise<BookingDto> {
  const { idempotencyKey } = options;
  if (idempotencyKey === undefined) return insertHold(deps, request);
  return idempotent(deps, idempotencyKey, request, () => insertHold(deps, request));
}

export async function getBooking({ db, clock }: ServiceDeps, bookingId: string): Promise<BookingDto> {
  const [row] = await sqlRunner(db).all<BookingRow>(bookingSql.bookingById(bookingId));
  if (!row) throw notFound(bookingId);
  return toBookingDto(fromBookingRow(row), clock.now());
}

interface Change {
  status: BookingStatus;
  expiresAt: number | null;
}

type Decide = (booking: BookingState & { createdAt: number }, now: number) => Change;

/**
 * Applies a guest action. Read and write share one transaction, and the update only
 * matches the row as it was read, so of two racing actions on one booking exactly one
 * wins and the other sees the new state.
 */
async function act({ db, clock }: ServiceDeps, bookingId: string, decide: Decide): Promise<BookingDto> {
  return inSqlTransaction(db, async (sql) => {
    const [row] = await sql.all<BookingRow>(bookingSql.bookingById(bookingId));
    if (!row) throw notFound(bookingId);
    const current = fromBookingRow(row);
    const now = clock.now();
    const change = decide(current, now);
    const changed = await sql.run(bookingSql.updateIfUnchanged(bookingId, { status: current.status, expiresAt: current.expiresAt ?? null }, change, now));
    if (changed !== 1) throw new BookingError('INVALID_STATE', 'The booking changed while this request was handled');
    return toBookingDto({ ...current, ...change }, now);
  });
}

const settle = (status: BookingStatus): Change => ({ status, expiresAt: null });

export const confirmHold = (deps: ServiceDeps, id: string) => act(deps, id, (b, now) => settle(transitions.confirm(b, now)));
export const releaseHold = (deps: ServiceDeps, id: string) => act(deps, id, (b, now) => settle(transitions.release(b, now)));
export const cancelBooking = (deps: ServiceDeps, id: string) => act(deps, id, (b, now) => settle(transitions.cancel(b, now)));
export const cancelByVenue = (deps: ServiceDeps, id: string) =>
  act(deps, id, (b, now) => settle(transitions.cancelByVenue(b, now)));
export const extendHold = (deps: ServiceDeps, id: string) =>
  act(deps, id, (b, now) => ({ status: transitions.extend(b, now), expiresAt: extendedExpiry(deps.policy, b.createdAt, now) }));

function notFound(bookingId: string): BookingError {
  return new BookingError('BOOKING_NOT_FOUND', `No booking has the id ${JSON.stringify(bookingId.slice(0, 64))}`);
}
