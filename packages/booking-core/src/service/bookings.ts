import type { Booking as BookingDto, HoldRequest } from '../contract/index.js';
import { BookingError } from '../domain/errors.js';
import { assertBookable, holdExpiry } from '../domain/hold-policy.js';
import { transitions } from '../domain/status.js';
import { Booking, Guest, Room } from '../db/entities.js';
import type { ServiceDeps } from './deps.js';
import { newBookingId } from './ids.js';
import { blockingOverlap, isOverlapViolation } from './overlap.js';
import { toBookingDto } from './serialize.js';

const slotTaken = () => new BookingError('SLOT_UNAVAILABLE', 'The room is already booked or held for part of that time');

/**
 * Places a hold. The overlap check and the insert share one write transaction, and the
 * database's own guard refuses an overlap that slips past the check (another process, say).
 */
export async function placeHold(deps: ServiceDeps, request: HoldRequest): Promise<BookingDto> {
  const { db, clock, policy } = deps;
  const now = clock.now();
  const slot = { start: request.start_date, end: request.end_date };
  assertBookable(slot, now);
  try {
    const booking = await db.em.fork().transactional(async (em) => {
      const room = await em.findOne(Room, request.room_id);
      if (!room) throw new BookingError('ROOM_NOT_FOUND', `Room ${request.room_id} does not exist`);
      if ((await em.count(Booking, { $and: [{ room }, blockingOverlap(slot, now)] })) > 0) throw slotTaken();

      const email = request.guest.email;
      const guest = await em.upsert(Guest, {
        email,
        emailKey: email.toLowerCase(),
        name: request.guest.name,
        createdAt: now,
      }, { onConflictFields: ['emailKey'], onConflictMergeFields: ['email', 'name'] });

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

export async function getBooking({ db, clock }: ServiceDeps, bookingId: string): Promise<BookingDto> {
  const booking = await db.em.fork().findOne(Booking, bookingId);
  if (!booking) throw notFound(bookingId);
  return toBookingDto(booking, clock.now());
}

type Action = keyof typeof transitions;

/**
 * Moves a booking to the status its action leads to. Read and write happen in one
 * transaction, and the update is conditional on the status read, so of two racing
 * actions on one booking exactly one wins and the other sees the new state.
 */
async function act({ db, clock }: ServiceDeps, bookingId: string, action: Action): Promise<BookingDto> {
  return db.em.fork().transactional(async (em) => {
    const current = await em.findOne(Booking, bookingId);
    if (!current) throw notFound(bookingId);
    const now = clock.now();
    const next = transitions[action](current, now);
    const changed = await em.nativeUpdate(
      Booking,
      { id: bookingId, status: current.status },
      { status: next, updatedAt: now, expiresAt: null },
    );
    if (changed !== 1) throw new BookingError('INVALID_STATE', 'The booking changed while this request was handled');
    return toBookingDto({ ...current, status: next, expiresAt: null }, now);
  });
}

export const confirmHold = (deps: ServiceDeps, bookingId: string) => act(deps, bookingId, 'confirm');
export const releaseHold = (deps: ServiceDeps, bookingId: string) => act(deps, bookingId, 'release');
export const cancelBooking = (deps: ServiceDeps, bookingId: string) => act(deps, bookingId, 'cancel');

function notFound(bookingId: string): BookingError {
  return new BookingError('BOOKING_NOT_FOUND', `No booking has the id ${JSON.stringify(bookingId.slice(0, 64))}`);
}
