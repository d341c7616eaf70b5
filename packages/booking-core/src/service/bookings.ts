import type { Booking as BookingDto, BookingStatus, HoldRequest } from '../contract/index.js';
import { BookingError } from '../domain/errors.js';
import { assertBookable, extendedExpiry, holdExpiry } from '../domain/hold-policy.js';
import { transitions, type BookingState } from '../domain/status.js';
import { Booking, Guest, Room } from '../db/entities.js';
import type { HoldOptions } from './api.js';
import type { ServiceDeps } from './deps.js';
import { idempotent } from './idempotency.js';
import { newBookingId } from './ids.js';
import { blockingOverlap, isOverlapViolation, lapsedOverlap } from './overlap.js';
import { toBookingDto } from './serialize.js';
import { inTransaction } from './transaction.js';

const slotTaken = () => new BookingError('SLOT_UNAVAILABLE', 'The room is already booked or held for part of that time');

/**
 * Places a hold. One write transaction first marks lapsed holds on the slot as expired (the
 * PostgreSQL constraint sees statuses, not clocks; on SQLite this first write also takes the
 * write lock before anything is read), then checks for a live overlap and inserts. The
 * database's own guard refuses an overlap that slips past the check (another process, say).
 */
async function insertHold(deps: ServiceDeps, request: HoldRequest): Promise<BookingDto> {
  const { db, clock, policy } = deps;
  const now = clock.now();
  const slot = { start: request.start_date, end: request.end_date };
  assertBookable(slot, now);
  try {
    const booking = await inTransaction(db, async (em) => {
      await em.nativeUpdate(
        Booking,
        { $and: [{ room: request.room_id }, lapsedOverlap(slot, now)] },
        { status: 'expired', expiresAt: null, updatedAt: now },
      );
      const room = await em.findOne(Room, request.room_id);
      if (!room) throw new BookingError('ROOM_NOT_FOUND', `Room ${request.room_id} does not exist`);
      if (room.archivedAt != null) throw new BookingError('ROOM_ARCHIVED', `Room ${room.id} is archived and takes no new holds`);
      if ((await em.count(Booking, { $and: [{ room }, blockingOverlap(slot, now)] })) > 0) throw slotTaken();

      const email = request.guest.email;
      const guest = await em.upsert(
        Guest,
        { email, emailKey: email.toLowerCase(), name: request.guest.name, createdAt: now },
        { onConflictFields: ['emailKey'], onConflictMergeFields: ['email', 'name'] },
      );
      return em.create(Booking, {
        id: newBookingId(),
        room,
        guest,
        status: 'pending',
        startAt: slot.start,
        endAt: slot.end,
        createdAt: now,
        updatedAt: now,
        expiresAt: holdExpiry(policy, now),
      });
    });
    return toBookingDto(booking, now);
  } catch (error) {
    if (isOverlapViolation(error)) throw slotTaken();
    throw error;
  }
}

export function placeHold(deps: ServiceDeps, request: HoldRequest, options: HoldOptions = {}): Promise<BookingDto> {
  const { idempotencyKey } = options;
  if (idempotencyKey === undefined) return insertHold(deps, request);
  return idempotent(deps, idempotencyKey, request, () => insertHold(deps, request));
}

export async function getBooking({ db, clock }: ServiceDeps, bookingId: string): Promise<BookingDto> {
  const booking = await db.em.fork().findOne(Booking, bookingId);
  if (!booking) throw notFound(bookingId);
  return toBookingDto(booking, clock.now());
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
  return inTransaction(db, async (em) => {
    const current = await em.findOne(Booking, bookingId);
    if (!current) throw notFound(bookingId);
    const now = clock.now();
    const change = decide(current, now);
    const changed = await em.nativeUpdate(
      Booking,
      { id: bookingId, status: current.status, expiresAt: current.expiresAt ?? null },
      { ...change, updatedAt: now },
    );
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
