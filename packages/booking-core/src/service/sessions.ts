import type { Schedule, Session, SessionStatus, SessionsPage, SessionsQuery } from '../contract/index.js';
import { fromCents } from '../contract/money.js';
import { formatInstant } from '../contract/time.js';
import { overlaps, withReset } from '../domain/interval.js';
import { partyFits, totalCents } from '../domain/pricing.js';
import { sessionsOn } from '../domain/schedule.js';
import { bookableUntil, horizonEnd } from '../domain/venue-policy.js';
import { addDays, venueClock } from '../domain/zoned.js';
import * as bookingSql from '../db/booking-sql.js';
import type { BlockingRow } from '../db/booking-sql.js';
import * as roomSql from '../db/room-sql.js';
import type { RoomRow, ScheduledRoomRow } from '../db/room-sql.js';
import { sqlRunner } from '../db/sql.js';
import type { ServiceDeps } from './deps.js';
import { roomNotFound } from './rooms.js';
import { roomView, type RoomView } from './serialize.js';
import { readVenue } from './venue.js';

interface Candidate {
  room: RoomView;
  start: number;
  end: number;
  blockedUntil: number;
  /** The party's price: the same for every session of the room. */
  price: Session['price'];
}

/** A booking that blocks part of the window, its times as numbers (PostgreSQL sends bigints as text). */
interface Blocking {
  start: number;
  blockedUntil: number;
  confirmed: boolean;
  expiresAt: number;
}

/** One room's blocking bookings, sorted by start, and the longest blocked interval among them. */
interface RoomBlocking {
  bookings: Blocking[];
  longest: number;
}

function groupByRoom(rows: readonly BlockingRow[]): Map<number, RoomBlocking> {
  const byRoom = new Map<number, RoomBlocking>();
  for (const row of rows) {
    const b: Blocking = {
      start: Number(row.start_at),
      blockedUntil: Number(row.blocked_until),
      confirmed: row.status === 'confirmed',
      expiresAt: Number(row.expires_at),
    };
    let room = byRoom.get(row.room_id);
    if (!room) byRoom.set(row.room_id, (room = { bookings: [], longest: 0 }));
    room.bookings.push(b);
    room.longest = Math.max(room.longest, b.blockedUntil - b.start);
  }
  for (const room of byRoom.values()) room.bookings.sort((a, b) => a.start - b.start);
  return byRoom;
}

/**
 * What is blocking a session: `booked` if a confirmed booking overlaps its blocked interval,
 * else `held` until the last live hold on it lapses, else nothing. Only the bookings that can
 * overlap are visited (a binary search, then back no further than the longest blocked
 * interval), so a month of fully booked short games stays linear rather than quadratic.
 */
function blockage(candidate: Candidate, room: RoomBlocking | undefined): { status: 'booked' | 'held'; heldUntil?: number } | null {
  if (!room) return null;
  const { bookings, longest } = room;
  const blocked = { start: candidate.start, end: candidate.blockedUntil };
  // From `lo` on, bookings start when the session's blocked interval has ended.
  let lo = 0;
  let hi = bookings.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((bookings[mid]?.start ?? Infinity) < blocked.end) lo = mid + 1;
    else hi = mid;
  }
  let heldUntil: number | null = null;
  for (let i = lo - 1; i >= 0; i--) {
    const b = bookings[i];
    // This one and every earlier one ended before the session starts.
    if (!b || b.start + longest <= blocked.start) break;
    if (!overlaps(blocked, { start: b.start, end: b.blockedUntil })) continue;
    if (b.confirmed) return { status: 'booked' };
    heldUntil = Math.max(heldUntil ?? 0, b.expiresAt);
  }
  return heldUntil === null ? null : { status: 'held', heldUntil };
}

/**
 * The sessions of every open scheduled room over venue-local days, with what each costs the
 * party and whether it can be held now. One query for the rooms, one for every booking that
 * blocks part of the window; nothing per session.
 */
export async function listSessions({ db, clock }: ServiceDeps, query: SessionsQuery): Promise<SessionsPage> {
  const sql = sqlRunner(db);
  const venue = await readVenue(sql);
  const rows = await sql.all<ScheduledRoomRow>(roomSql.scheduledRooms(query.room_id));
  if (query.room_id !== undefined && rows.length === 0 && (await sql.all<RoomRow>(roomSql.roomById(query.room_id))).length === 0) {
    throw roomNotFound(query.room_id);
  }
  const timeZone = venue.timezone;
  const wallClock = venueClock(timeZone);
  const dates = Array.from({ length: query.days }, (_, i) => addDays(query.date, i));

  const candidates: Candidate[] = [];
  for (const row of rows) {
    const room = roomView(row);
    if (query.players !== undefined && !partyFits(room, query.players)) continue;
    const shape = { schedule: JSON.parse(row.schedule) as Schedule, bufferMinutes: room.bufferMinutes };
    const players = query.players ?? room.minPlayers;
    const price = { players, total: fromCents(totalCents(room, players)) };
    for (const date of dates) {
      for (const session of sessionsOn(shape, date, wallClock)) {
        candidates.push({ room, ...session, blockedUntil: withReset(session, room.bufferMinutes).end, price });
      }
    }
  }
  const page: SessionsPage = { timezone: timeZone, currency: venue.currency, sessions: [] };
  if (candidates.length === 0) return page;

  const now = clock.now();
  // A loop, not Math.min(...spread): a month of short games over many rooms is more arguments
  // than a call can take (RangeError past about 125,000).
  const window = { start: Infinity, end: -Infinity };
  for (const c of candidates) {
    window.start = Math.min(window.start, c.start);
    window.end = Math.max(window.end, c.blockedUntil);
  }
  const byRoom = groupByRoom(await sql.all<BlockingRow>(bookingSql.blockingIn(window, now)));

  const latestStart = horizonEnd(now, venue);
  candidates.sort((a, b) => a.start - b.start || a.room.id - b.room.id);
  page.sessions = candidates.map((c): Session => {
    const until = bookableUntil(c.start, venue);
    const blocked = blockage(c, byRoom.get(c.room.id));
    const closed = now >= until || (latestStart !== null && c.start > latestStart);
    const status: SessionStatus = blocked?.status === 'booked' ? 'booked' : closed ? 'closed' : (blocked?.status ?? 'available');
    return {
      room_id: c.room.id,
      start_date: formatInstant(c.start),
      end_date: formatInstant(c.end),
      local_start: wallClock.format(c.start),
      local_end: wallClock.format(c.end),
      status,
      ...(status === 'held' && blocked?.heldUntil !== undefined ? { held_until: formatInstant(blocked.heldUntil) } : {}),
      bookable_until: formatInstant(until),
      price: c.price,
    };
  });
  return page;
}
