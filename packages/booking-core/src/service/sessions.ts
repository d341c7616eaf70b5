import type { Schedule, Session, SessionStatus, SessionsPage, SessionsQuery } from '../contract/index.js';
import { fromCents } from '../contract/money.js';
import { formatInstant } from '../contract/time.js';
import { overlaps } from '../domain/interval.js';
import { partyFits, totalCents } from '../domain/pricing.js';
import { sessionsOn } from '../domain/schedule.js';
import { bookableUntil, horizonEnd } from '../domain/venue-policy.js';
import { addDays, formatLocal, localInstant } from '../domain/zoned.js';
import * as bookingSql from '../db/booking-sql.js';
import type { BlockingRow } from '../db/booking-sql.js';
import * as roomSql from '../db/room-sql.js';
import type { RoomRow, ScheduledRoomRow } from '../db/room-sql.js';
import { sqlRunner } from '../db/sql.js';
import type { ServiceDeps } from './deps.js';
import { roomNotFound } from './rooms.js';
import { roomView, venuePolicy, type RoomView } from './serialize.js';
import { readVenue } from './venue.js';

const MINUTE = 60_000;

/** Rooms mostly share their start times: each local time is converted once per request. */
function memoize<A extends unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  const seen = new Map<string, R>();
  return (...args) => {
    const key = args.join('|');
    let value = seen.get(key);
    if (value === undefined && !seen.has(key)) seen.set(key, (value = f(...args)));
    return value as R;
  };
}

interface Candidate {
  room: RoomView;
  start: number;
  end: number;
  blockedUntil: number;
}

/**
 * What is blocking a session: `booked` if a confirmed booking overlaps its blocked interval,
 * else `held` until the last live hold on it lapses, else nothing.
 */
function blockage(candidate: Candidate, bookings: readonly BlockingRow[]): { status: 'booked' | 'held'; heldUntil?: number } | null {
  let heldUntil: number | null = null;
  for (const b of bookings) {
    if (!overlaps({ start: candidate.start, end: candidate.blockedUntil }, { start: Number(b.start_at), end: Number(b.blocked_until) })) continue;
    if (b.status === 'confirmed') return { status: 'booked' };
    heldUntil = Math.max(heldUntil ?? 0, Number(b.expires_at));
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
  const toInstant = memoize((date: string, minute: number) => localInstant(date, minute, timeZone));
  const dates = Array.from({ length: query.days }, (_, i) => addDays(query.date, i));

  const candidates: Candidate[] = [];
  for (const row of rows) {
    const room = roomView(row);
    if (query.players !== undefined && !partyFits(room, query.players)) continue;
    const shape = { schedule: JSON.parse(row.schedule) as Schedule, bufferMinutes: room.bufferMinutes };
    for (const date of dates) {
      for (const { start, end } of sessionsOn(shape, date, timeZone, toInstant)) {
        candidates.push({ room, start, end, blockedUntil: end + room.bufferMinutes * MINUTE });
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
  const byRoom = new Map<number, BlockingRow[]>();
  for (const b of await sql.all<BlockingRow>(bookingSql.blockingIn(window, now))) {
    byRoom.set(b.room_id, [...(byRoom.get(b.room_id) ?? []), b]);
  }

  const policy = venuePolicy(venue);
  const latestStart = horizonEnd(now, policy);
  const local = memoize((instant: number) => formatLocal(instant, timeZone));
  candidates.sort((a, b) => a.start - b.start || a.room.id - b.room.id);
  page.sessions = candidates.map((c): Session => {
    const until = bookableUntil(c.start, policy);
    const blocked = blockage(c, byRoom.get(c.room.id) ?? []);
    const closed = now >= until || (latestStart !== null && c.start > latestStart);
    const status: SessionStatus = blocked?.status === 'booked' ? 'booked' : closed ? 'closed' : (blocked?.status ?? 'available');
    const players = query.players ?? c.room.minPlayers;
    return {
      room_id: c.room.id,
      start_date: formatInstant(c.start),
      end_date: formatInstant(c.end),
      local_start: local(c.start),
      local_end: local(c.end),
      status,
      ...(status === 'held' && blocked?.heldUntil !== undefined ? { held_until: formatInstant(blocked.heldUntil) } : {}),
      bookable_until: formatInstant(until),
      price: { players, total: fromCents(totalCents(c.room, players)) },
    };
  });
  return page;
}
