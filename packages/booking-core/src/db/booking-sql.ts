import type { BookingStatus } from '../contract/bookings.js';
import type { Interval } from '../domain/interval.js';
import { roomColumns, type PrefixedRoomRow } from './room-sql.js';
import type { SqlValue, Statement } from './sql.js';

// Every statement and predicate the service runs on `booking`, in one place. Texts are
// constants fixed when the module loads (each is prepared once per connection); functions only
// put the values in order. The database's own guards (the SQLite triggers, the PostgreSQL
// exclusion constraint) live in the migrations, frozen as applied; booking-sql.test.ts runs the
// same cases through the domain rule, these predicates and the guards on both drivers.

/**
 * The lapsed-hold rule in SQL, one `?` for now: a hold is live while now < expires_at. The
 * same rule as `isHoldLive` in domain/status.ts.
 */
const LIVE_HOLD = `(status = 'pending' and expires_at > ?)`;
/** A hold whose time is up at now, though still stored as pending. One `?`: now. */
const LAPSED_HOLD = `(status = 'pending' and expires_at <= ?)`;
/** Bookings that keep their slot from anyone else at now: confirmed, or a live hold. One `?`: now. */
const BLOCKING = `(status = 'confirmed' or ${LIVE_HOLD})`;

/**
 * Bookings whose blocked interval, [start_at, end_at + buffer_ms), overlaps the probe's
 * [start, end): the probe is a slot plus the reset its room needs after it. No stored blocked
 * interval is longer than booking_extent says (the database keeps it, see its migrations), so
 * the half-open overlap test gets a start_at lower bound: an index range scan, not a walk
 * through history. `end` is the probe's end as SQL; with its `?`s, start, end's, start.
 */
const overlapsUpTo = (end: string) => `(start_at > ? - (select longest_ms from booking_extent) and start_at < ${end} and end_at + buffer_ms > ?)`;
/**
 * One `?` instant plus a reset of `minutes` (an SQL expression), in milliseconds: the SQL form of
 * withReset's end (domain/interval.ts), for probes whose reset the statement reads itself.
 */
const plusReset = (minutes: string) => `cast(? as bigint) + ${minutes} * 60000`;
/** The overlap with a probe whose end is known. Three `?`: start, end, start. */
const OVERLAPPING = overlapsUpTo('?');
const overlapping = (probe: Interval): SqlValue[] => [probe.start, probe.end, probe.start];

/** The stored rows that read as `status` at now (pending and expired split on the hold's expiry). One `?`: now, or the status. */
const READS_AS: Record<BookingStatus, string> = {
  pending: LIVE_HOLD,
  expired: `(status = 'expired' or ${LAPSED_HOLD})`,
  confirmed: `(status = ?)`,
  released: `(status = ?)`,
  cancelled: `(status = ?)`,
};
const readsAsParam = (status: BookingStatus, now: number): SqlValue => (status === 'pending' || status === 'expired' ? now : status);

// ---- expiry: the sweeper and the hold persist lapses one booking at a time, each with its event ----

const EXPIRE_IF_LAPSED = `update booking set status = 'expired', expires_at = null, updated_at = ? where id = ? and ${LAPSED_HOLD}`;
/** Persists `expired` on one booking if it is a lapsed hold at now; changes one row or none (another writer got there first). */
export const expireIfLapsed = (bookingId: string, now: number): Statement => ({ text: EXPIRE_IF_LAPSED, params: [now, bookingId, now] });

// ---- the hold ---------------------------------------------------------------------------------

const INSERT = `insert into booking (id, room_id, guest_id, status, start_at, end_at, created_at, updated_at, expires_at,
    players, buffer_ms, total_cents, currency, reference)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
export interface NewBooking {
  id: string;
  roomId: number;
  guestId: number;
  status: BookingStatus;
  startAt: number;
  endAt: number;
  createdAt: number;
  expiresAt: number | null;
  players: number;
  bufferMs: number;
  totalCents: number;
  currency: string;
  reference: string;
}
export const insertBooking = (b: NewBooking): Statement => ({
  text: INSERT,
  params: [b.id, b.roomId, b.guestId, b.status, b.startAt, b.endAt, b.createdAt, b.createdAt, b.expiresAt, b.players, b.bufferMs, b.totalCents, b.currency, b.reference],
});

/** The database guard (trigger or exclusion constraint) refused an overlapping live booking. */
export function isOverlapViolation(error: unknown): boolean {
  return error instanceof Error && /SLOT_UNAVAILABLE|booking_no_overlap/.test(error.message);
}

/** A new booking's random reference matched a stored one (one in many billions): draw again. */
export function isReferenceTaken(error: unknown): boolean {
  return error instanceof Error && /booking_reference_key|booking\.reference/.test(error.message);
}

// ---- sessions -----------------------------------------------------------------------------------

/** A booking that keeps its blocked interval from others, as the sessions grid needs it. */
export interface BlockingRow {
  room_id: number;
  start_at: number | string;
  blocked_until: number | string;
  status: BookingStatus;
  expires_at: number | string | null;
}
const BLOCKING_IN = `select room_id, start_at, end_at + buffer_ms as blocked_until, status, expires_at from booking
  where ${OVERLAPPING} and ${BLOCKING}`;
/** Every booking of every room that blocks part of the window at now: one round trip for a whole sessions grid. */
export const blockingIn = (window: Interval, now: number): Statement => ({ text: BLOCKING_IN, params: [...overlapping(window), now] });

// ---- availability -----------------------------------------------------------------------------

const AVAILABLE_ROOMS = `select ${roomColumns('room')} from room where archived_at is null and id not in (
    select room_id from booking
    where start_at > ? - (select longest_ms from booking_extent)
      and start_at < ${plusReset('(select coalesce(max(buffer_minutes), 0) from room)')}
      and end_at + buffer_ms > ?
      and start_at < ${plusReset('(select r.buffer_minutes from room r where r.id = booking.room_id)')}
      and ${BLOCKING})
  order by id`;
/**
 * Open rooms a hold of the slot would get: none of the room's blocking bookings overlaps the
 * slot plus the room's reset. One round trip and one index range over start_at, widened by the
 * longest reset of any room and answered from the index alone; each booking in it is then held
 * to its own room's reset. The benchmark EXPLAINs this very statement.
 */
export const availableRooms = (slot: Interval, now: number): Statement => ({
  text: AVAILABLE_ROOMS,
  params: [slot.start, slot.end, slot.start, slot.end, now],
});

// ---- reading bookings with their room and guest -------------------------------------------------

/** A booking with its room and guest, as the wire form needs it; PostgreSQL returns bigints as strings. */
export interface BookingRow extends PrefixedRoomRow<'room_'> {
  id: string;
  status: BookingStatus;
  start_at: number | string;
  end_at: number | string;
  created_at: number | string;
  expires_at: number | string | null;
  players: number;
  buffer_ms: number | string;
  /** Null on bookings older than locked prices. */
  total_cents: number | string | null;
  currency: string | null;
  reference: string;
  guest_name: string;
  guest_email: string;
}

const WITH_ROOM_AND_GUEST = (bookings: string) => `select b.id, b.status, b.start_at, b.end_at, b.created_at, b.expires_at,
    b.players, b.buffer_ms, b.total_cents, b.currency, b.reference, ${roomColumns('r', 'room_')},
    g.name as guest_name, g.email as guest_email
  from ${bookings} b join room r on r.id = b.room_id join guest g on g.id = b.guest_id`;

const BY_ID = `${WITH_ROOM_AND_GUEST('booking')} where b.id = ?`;
export const bookingById = (bookingId: string): Statement => ({ text: BY_ID, params: [bookingId] });

const LAPSED_HOLDS = `${WITH_ROOM_AND_GUEST(`(select * from booking where ${LAPSED_HOLD} order by expires_at limit ?)`)} order by b.expires_at`;
/** Up to `limit` lapsed holds still stored as pending, earliest expiry first: the sweeper's batch. */
export const lapsedHolds = (now: number, limit: number): Statement => ({ text: LAPSED_HOLDS, params: [now, limit] });

// ---- the hold's checks --------------------------------------------------------------------------

/**
 * The room's bookings overlapping the slot plus the room's reset that a hold must deal with:
 * lapsed holds still stored as pending (the PostgreSQL guard judges stored statuses, not
 * clocks, so the hold persists their lapse before it takes their place), and bookings that
 * block it. Both halves are one range of booking_room_span_idx: asked apart, the lapsed half
 * went by the pending index instead, through every unswept lapsed hold of the venue. Ids only:
 * a blocking row ends the hold, and lapsed ones (rare: the sweeper gets most) are read whole
 * one by one. The probe ends at the slot's end plus the room's reset as this transaction reads
 * it, so the check needs nothing read before it and goes in one round trip with the locks.
 */
const KEEPING_THE_SLOT = `select id, ${LAPSED_HOLD} as lapsed from booking
  where room_id = ? and ${overlapsUpTo(plusReset('(select buffer_minutes from room where id = ?)'))}
    and (${LAPSED_HOLD} or ${BLOCKING})`;
/**
 * The guest's live holds are counted over the guest's own bookings (booking_guest_idx): with the
 * rule in the where clause, both databases' planners took the pending index instead (its
 * statistics say it is small), a walk through every live hold of the venue per hold.
 */
const HOLD_CHECK = `select live.n as live_holds, o.id, o.lapsed from
    (select coalesce(sum(case when ${LIVE_HOLD} then 1 else 0 end), 0) as n from booking
      where guest_id = (select id from guest where email_key = ?)) live
  left join (${KEEPING_THE_SLOT}) o on true`;
/**
 * What a hold checks, in one statement: the live holds of the guest with this address key, and
 * each overlapping lapsed or blocking booking of the room with whether it lapsed. Run it after
 * taking the room's and the guest's turns: on PostgreSQL a statement sees what committed before
 * it began, so a check in the statement that waited for a lock could miss a hold committed meanwhile.
 */
export const holdCheck = (roomId: number, slot: Interval, emailKey: string, now: number): Statement => ({
  text: HOLD_CHECK,
  params: [now, emailKey, now, roomId, slot.start, slot.end, roomId, slot.start, now, now],
});
/** One row per overlapping booking, each with the guest's live holds; one row of nulls and the count when none overlaps. */
export interface HoldCheckRow {
  live_holds: number | string;
  id: string | null;
  /** A boolean on PostgreSQL, 0 or 1 on SQLite. */
  lapsed: boolean | number | null;
}

/** The listing's filters; every one optional. Pages are ordered by (start_at, id). */
export interface BookingFilter {
  status?: BookingStatus | undefined;
  roomId?: number | undefined;
  reference?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** The last row of the previous page. */
  after?: { startAt: number; id: string } | undefined;
  limit: number;
}

/**
 * One page of the listing. The text is put together from constant fragments (at most one
 * per filter), so the statement cache holds a handful of shapes, never one per request.
 */
export function listBookings(filter: BookingFilter, now: number): Statement {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.status) {
    where.push(READS_AS[filter.status]);
    params.push(readsAsParam(filter.status, now));
  }
  if (filter.roomId !== undefined) {
    where.push('room_id = ?');
    params.push(filter.roomId);
  }
  if (filter.reference !== undefined) {
    where.push('reference = ?');
    params.push(filter.reference);
  }
  if (filter.from !== undefined) {
    where.push('end_at > ?');
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push('start_at < ?');
    params.push(filter.to);
  }
  if (filter.after) {
    where.push('(start_at > ? or (start_at = ? and id > ?))');
    params.push(filter.after.startAt, filter.after.startAt, filter.after.id);
  }
  const page = `(select * from booking${where.length ? ` where ${where.join(' and ')}` : ''} order by start_at, id limit ?)`;
  return { text: `${WITH_ROOM_AND_GUEST(page)} order by b.start_at, b.id`, params: [...params, filter.limit] };
}

// ---- guest and venue actions ------------------------------------------------------------------

// coalesce: one null-safe comparison both dialects share (expiry times are never negative).
const UPDATE_IF_UNCHANGED = `update booking set status = ?, expires_at = ?, updated_at = ?
  where id = ? and status = ? and coalesce(expires_at, -1) = ?`;
/**
 * Moves a booking to its next state only if it is still as it was read, so of two racing
 * actions on one booking exactly one wins. Changes one row, or none.
 */
export const updateIfUnchanged = (
  bookingId: string,
  was: { status: BookingStatus; expiresAt: number | null },
  next: { status: BookingStatus; expiresAt: number | null },
  now: number,
): Statement => ({
  text: UPDATE_IF_UNCHANGED,
  params: [next.status, next.expiresAt, now, bookingId, was.status, was.expiresAt ?? -1],
});

// ---- for the table-driven test of the rule --------------------------------------------------------

/** The predicates themselves, each with its one `?`: the test runs them against stored rows. */
export const predicates = { blocking: BLOCKING, readsAs: READS_AS, readsAsParam };
