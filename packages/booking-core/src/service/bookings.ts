import type { Actor, Booking as BookingDto, BookingStatus, EventType, HoldRequest, Schedule, Venue } from '../contract/index.js';
import { BookingError } from '../domain/errors.js';
import { withReset } from '../domain/interval.js';
import { assertBookable, extendedExpiry, holdExpiry } from '../domain/hold-policy.js';
import { totalCents } from '../domain/pricing.js';
import { isSession } from '../domain/schedule.js';
import { effectiveStatus, transitions, type BookingState } from '../domain/status.js';
import { assertCancellable, assertPartyFits, assertTimely, type VenuePolicy } from '../domain/venue-policy.js';
import { localDateOf, venueClock } from '../domain/zoned.js';
import * as bookingSql from '../db/booking-sql.js';
import type { BookingRow, HoldCheckRow } from '../db/booking-sql.js';
import * as roomSql from '../db/room-sql.js';
import * as venueSql from '../db/venue-sql.js';
import type { HoldRoomRow } from '../db/room-sql.js';
import { allInTurn, sqlRunner, type TransactionSql } from '../db/sql.js';
import type { HoldOptions } from './api.js';
import type { ServiceDeps } from './deps.js';
import { idempotent } from './idempotency.js';
import { newBookingId, newReference } from './ids.js';
import { fromBookingRow, roomView, toBookingDto } from './serialize.js';
import { roomNotFound } from './rooms.js';
import { GUEST, SYSTEM, inEventTransaction, type RecordChange } from './outbox.js';
import { joinedVenue, readVenue, storedVenue } from './venue.js';

const slotTaken = () => new BookingError('SLOT_UNAVAILABLE', 'The room is already booked or held for part of that time');

// The hold's own statements on guest: constant texts, prepared once per connection.
// One guest record per address, whatever its case; the latest name and spelling win. An
// unchanged record is not rewritten (a page write per hold saved). The second statement reads
// the guest's id and, on PostgreSQL, takes the guest's turn (a lock on their row).
const UPSERT_CHANGED_GUEST = `insert into guest (email, email_key, name, created_at) values (?, ?, ?, ?)
  on conflict (email_key) do update set email = excluded.email, name = excluded.name
    where guest.email <> excluded.email or guest.name <> excluded.name`;
const GUEST_BY_KEY = 'select id from guest where email_key = ?';

/** Refuses a slot that is not exactly one of a scheduled room's sessions. */
function assertSession(schedule: Schedule, bufferMinutes: number, slot: { start: number; end: number }, timeZone: string): void {
  if (!isSession({ schedule, bufferMinutes }, slot, localDateOf(slot.start, timeZone), venueClock(timeZone))) {
    throw new BookingError('NOT_A_SESSION', 'This room sells fixed sessions: hold one exactly as GET /sessions lists it');
  }
}

/**
 * Gives back the hold a new one replaces, in the new one's transaction. It must be the same
 * guest's live hold, or one that has lapsed.
 */
async function giveBack(sql: TransactionSql, record: RecordChange, bookingId: string, emailKey: string, now: number, venue: Venue): Promise<void> {
  const [row] = await sql.all<BookingRow>(bookingSql.bookingById(bookingId));
  if (!row) throw notFound(bookingId, 'replaces');
  if (row.guest_email.toLowerCase() !== emailKey) {
    throw new BookingError('INVALID_STATE', 'replaces must name a hold of the same guest', [{ path: 'replaces', message: 'Not this guest’s hold' }]);
  }
  const held = fromBookingRow(row);
  const status = effectiveStatus(held, now);
  // A lapsed hold has nothing left to give back. One already released was given back before:
  // swapping it again is a race or a mistake, and would leave the guest two holds.
  if (status === 'expired') return;
  if (status !== 'pending') {
    throw new BookingError('INVALID_STATE', `replaces must name a hold; that booking is ${status}`, [{ path: 'replaces', message: `The booking is ${status}` }]);
  }
  const released = { status: 'released' as const, expiresAt: null };
  const changed = await sql.run(bookingSql.updateIfUnchanged(bookingId, { status: 'pending', expiresAt: held.expiresAt ?? null }, released, now));
  if (changed !== 1) throw new BookingError('INVALID_STATE', 'The replaced hold changed while this request was handled');
  await record({ type: 'booking.released', booking: toBookingDto({ ...held, ...released }, now, venue), previousStatus: 'pending', actor: GUEST, at: now, venue });
}

/**
 * Persists `expired` on lapsed holds still stored as pending, each with its booking.expired
 * event; a row another writer expired first is skipped. Returns how many it expired.
 */
export async function persistLapses(sql: TransactionSql, record: RecordChange, rows: BookingRow[], now: number, venue: Venue): Promise<number> {
  let expired = 0;
  for (const row of rows) {
    if ((await sql.run(bookingSql.expireIfLapsed(row.id, now))) !== 1) continue;
    const booking = toBookingDto({ ...fromBookingRow(row), status: 'expired', expiresAt: null }, now, venue);
    await record({ type: 'booking.expired', booking, previousStatus: 'pending', actor: SYSTEM, at: now, venue });
    expired++;
  }
  return expired;
}

/**
 * Places a hold: one write transaction of hand-written statements (the hot write path). It
 * takes the room's turn and the guest's, and in one statement looks for a live overlap of the
 * slot plus the room's reset and counts the guest's live holds; it checks the room and the
 * venue's rules, gives back a hold it replaces (and checks again after), marks lapsed holds on
 * the slot as expired (the PostgreSQL constraint sees statuses, not clocks), and inserts. The
 * database's own guard refuses an overlap that slips past the check (another process, say).
 * On PostgreSQL a hold without lapses to persist is two round trips: the turns with the check,
 * then the insert with its event and the commit.
 */
async function insertHold(deps: ServiceDeps, request: HoldRequest): Promise<BookingDto> {
  const { clock, policy } = deps;
  const now = clock.now();
  const slot = { start: request.start_date, end: request.end_date };
  assertBookable(slot, now);
  const roomId = request.room_id;
  const { name, email } = request.guest;
  const emailKey = email.toLowerCase();
  try {
    return await inEventTransaction(deps, async (sql, record) => {
      // Holds on one room take turns from here (PostgreSQL: a lock on the room's row), so the
      // check sees every earlier hold committed. Without the turn, two holds racing for a slot
      // would both pass the check and meet in the exclusion constraint, which can deadlock them
      // (the benchmark's contention scenario did, with one-second waits for the detector). The
      // guest's turn comes second, so two holds of one guest count each other. The check runs
      // after both, in the same round trip: it needs nothing read before it. A hold that
      // replaces another checks once that one is given back, so it is not in this trip.
      const check = bookingSql.holdCheck(roomId, slot, emailKey, now);
      const [rooms, , guests, checked] = await allInTurn(sql, [
        { all: roomSql.roomForHold(roomId, sql.forUpdate) },
        { run: { text: UPSERT_CHANGED_GUEST, params: [email, emailKey, name, now] } },
        { all: { text: `${GUEST_BY_KEY}${sql.forUpdate}`, params: [emailKey] } },
        ...(request.replaces === undefined ? [{ all: check }] : []),
      ]);
      const [row] = rooms as HoldRoomRow[];
      if (!row) throw roomNotFound(roomId);
      if (row.archived_at != null) throw new BookingError('ROOM_ARCHIVED', `Room ${roomId} is archived and takes no new holds`);
      const room = roomView(row);
      const venue = joinedVenue(row);
      const players = request.players ?? room.minPlayers;
      assertPartyFits(roomId, room, players);
      if (row.schedule !== null) assertSession(JSON.parse(row.schedule) as Schedule, room.bufferMinutes, slot, venue.timezone);
      assertTimely(slot.start, now, venue);

      const [guest] = guests as { id: number }[];
      if (!guest) throw new Error('the guest upserted in this transaction is missing');

      if (request.replaces !== undefined) await giveBack(sql, record, request.replaces, emailKey, now, venue);
      const found = (checked ?? (await sql.all(check))) as HoldCheckRow[];
      if (found.some((r) => r.id !== null && !r.lapsed)) throw slotTaken();
      for (const { id } of found) {
        if (id !== null) await persistLapses(sql, record, await sql.all<BookingRow>(bookingSql.bookingById(id)), now, venue);
      }
      if (Number(found[0]?.live_holds ?? 0) >= policy.maxLiveHoldsPerGuest) {
        throw new BookingError(
          'TOO_MANY_HOLDS',
          `A guest can hold ${policy.maxLiveHoldsPerGuest} sessions at once: confirm or release one, or name it in replaces`,
        );
      }

      const booking = {
        id: newBookingId(),
        status: 'pending' as const,
        startAt: slot.start,
        endAt: slot.end,
        createdAt: now,
        expiresAt: holdExpiry(policy, now),
        players,
        totalCents: totalCents(room, players),
        currency: venue.currency,
        reference: newReference(),
      };
      const held = toBookingDto({ ...booking, room, guest: { name, email } }, now, venue);
      const insert = bookingSql.insertBooking({ ...booking, roomId, guestId: guest.id, bufferMs: withReset(slot, room.bufferMinutes).end - slot.end });
      await record({ type: 'booking.held', booking: held, previousStatus: null, actor: GUEST, at: now, venue }, { alongside: insert, last: true });
      return held;
    });
  } catch (error) {
    if (bookingSql.isOverlapViolation(error)) throw slotTaken();
    throw error;
  }
}

/** A new reference that matched a stored one is drawn again (the odds are one in billions per hold). */
async function insertHoldWithReference(deps: ServiceDeps, request: HoldRequest): Promise<BookingDto> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertHold(deps, request);
    } catch (error) {
      if (!bookingSql.isReferenceTaken(error) || attempt >= 5) throw error;
    }
  }
}

export function placeHold(deps: ServiceDeps, request: HoldRequest, options: HoldOptions = {}): Promise<BookingDto> {
  const { idempotencyKey } = options;
  if (idempotencyKey === undefined) return insertHoldWithReference(deps, request);
  return idempotent(deps, idempotencyKey, request, () => insertHoldWithReference(deps, request));
}

export async function getBooking({ db, clock }: ServiceDeps, bookingId: string): Promise<BookingDto> {
  const sql = sqlRunner(db);
  const [row] = await sql.all<BookingRow>(bookingSql.bookingById(bookingId));
  if (!row) throw notFound(bookingId);
  return toBookingDto(fromBookingRow(row), clock.now(), await readVenue(sql));
}

interface Next {
  status: BookingStatus;
  expiresAt: number | null;
}

type Decide = (booking: BookingState & { createdAt: number }, now: number, policy: VenuePolicy) => Next;

/** A guest's or the venue's action on one booking: what it decides, and the event it is recorded as. */
interface Action {
  event: EventType;
  decide: Decide;
}

/**
 * Applies an action. Read, write and event share one transaction, and the update only matches
 * the row as it was read, so of two racing actions on one booking exactly one wins (and is
 * recorded) and the other sees the new state.
 */
async function act(deps: ServiceDeps, bookingId: string, action: Action, actor: Actor = GUEST): Promise<BookingDto> {
  return inEventTransaction(deps, async (sql, record) => {
    const [rows, venues] = await allInTurn(sql, [{ all: bookingSql.bookingById(bookingId) }, { all: venueSql.readVenue() }]);
    const [row] = rows as BookingRow[];
    if (!row) throw notFound(bookingId);
    const venue = storedVenue(venues as Venue[]);
    const current = fromBookingRow(row);
    const now = deps.clock.now();
    const next = action.decide(current, now, venue);
    const changed = await sql.run(bookingSql.updateIfUnchanged(bookingId, { status: current.status, expiresAt: current.expiresAt ?? null }, next, now));
    if (changed !== 1) throw new BookingError('INVALID_STATE', 'The booking changed while this request was handled');
    const booking = toBookingDto({ ...current, ...next }, now, venue);
    await record({ type: action.event, booking, previousStatus: effectiveStatus(current, now), actor, at: now, venue }, { last: true });
    return booking;
  });
}

const settle = (status: BookingStatus): Next => ({ status, expiresAt: null });

const CONFIRM: Action = { event: 'booking.confirmed', decide: (b, now) => settle(transitions.confirm(b, now)) };
const RELEASE: Action = { event: 'booking.released', decide: (b, now) => settle(transitions.release(b, now)) };
/** The guest's cancel: a confirmed booking, not yet started, inside the venue's cancellation window. */
const CANCEL: Action = {
  event: 'booking.cancelled',
  decide: (b, now, policy) => {
    const next = transitions.cancel(b, now);
    assertCancellable(b.startAt, now, policy);
    return settle(next);
  },
};
/** The venue's cancel: any live booking until its slot is over, whatever the window says. */
const CANCEL_BY_VENUE: Action = { event: 'booking.cancelled', decide: (b, now) => settle(transitions.cancelByVenue(b, now)) };

export const confirmHold = (deps: ServiceDeps, id: string) => act(deps, id, CONFIRM);
export const releaseHold = (deps: ServiceDeps, id: string) => act(deps, id, RELEASE);
export const cancelBooking = (deps: ServiceDeps, id: string) => act(deps, id, CANCEL);
export const cancelByVenue = (deps: ServiceDeps, id: string, actor: Actor) => act(deps, id, CANCEL_BY_VENUE, actor);
export const extendHold = (deps: ServiceDeps, id: string) =>
  act(deps, id, {
    event: 'booking.extended',
    decide: (b, now) => ({ status: transitions.extend(b, now), expiresAt: extendedExpiry(deps.policy, b.createdAt, now) }),
  });

function notFound(bookingId: string, path?: string): BookingError {
  const message = `No booking has the id ${JSON.stringify(bookingId.slice(0, 64))}`;
  return new BookingError('BOOKING_NOT_FOUND', message, path ? [{ path, message: 'No such booking' }] : undefined);
}
