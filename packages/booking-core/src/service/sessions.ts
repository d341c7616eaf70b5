import type { Session, SessionStatus, SessionsPage, SessionsQuery } from '../contract/index.js';
import { fromCents } from '../contract/money.js';
import { formatInstant } from '../contract/time.js';
import { overlaps } from '../domain/interval.js';
import { partyFits, totalCents } from '../domain/pricing.js';
import { horizonEnd } from '../domain/venue-policy.js';
import { addDays } from '../domain/zoned.js';
import * as bookingSql from '../db/booking-sql.js';
import type { BlockingRow } from '../db/booking-sql.js';
import { sqlRunner } from '../db/sql.js';
import { readCatalog, type CatalogRoom, type SessionTemplate } from './catalog.js';
import type { ServiceDeps } from './deps.js';
import { roomNotFound } from './rooms.js';

interface Candidate {
  template: SessionTemplate;
  /** The party's price: the same for every session of the room. */
  price: Session['price'];
}

const byStartThenRoom = (a: Candidate, b: Candidate) => a.template.start - b.template.start || a.template.room.view.id - b.template.room.view.id;

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
function blockage(session: SessionTemplate, room: RoomBlocking | undefined): { status: 'booked' | 'held'; heldUntil?: number } | null {
  if (!room) return null;
  const { bookings, longest } = room;
  const blocked = { start: session.start, end: session.blockedUntil };
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
 * party and whether it can be held now. The sessions themselves come from the process's catalog
 * (derived and formatted once per date); one query for every booking that blocks part of the
 * window; nothing per session.
 */
export async function listSessions({ db, clock }: ServiceDeps, query: SessionsQuery): Promise<SessionsPage> {
  const catalog = await readCatalog(db);
  const { venue } = catalog;
  if (query.room_id !== undefined && !catalog.rooms.has(query.room_id)) throw roomNotFound(query.room_id);

  // The party's price per room: the same for every session of the room; null when the party does not fit.
  const prices = new Map<CatalogRoom, Session['price'] | null>();
  const priceIn = (room: CatalogRoom) => {
    let price = prices.get(room);
    if (price === undefined) {
      const players = query.players ?? room.view.minPlayers;
      price = query.players !== undefined && !partyFits(room.view, players) ? null : { players, total: fromCents(totalCents(room.view, players)) };
      prices.set(room, price);
    }
    return price;
  };
  const candidates: Candidate[] = [];
  for (let i = 0; i < query.days; i++) {
    for (const template of catalog.sessionsOn(addDays(query.date, i))) {
      if (query.room_id !== undefined && template.room.view.id !== query.room_id) continue;
      const price = priceIn(template.room);
      if (price) candidates.push({ template, price });
    }
  }
  const page: SessionsPage = { timezone: venue.timezone, currency: venue.currency, sessions: [] };
  if (candidates.length === 0) return page;
  // Each date's sessions come sorted; so do the dates, unless a zone's day runs into the next.
  if (candidates.some((c, i, all) => i > 0 && byStartThenRoom(all[i - 1] ?? c, c) > 0)) candidates.sort(byStartThenRoom);

  const now = clock.now();
  // A loop, not Math.min(...spread): a month of short games over many rooms is more arguments
  // than a call can take (RangeError past about 125,000).
  const window = { start: Infinity, end: -Infinity };
  for (const { template } of candidates) {
    window.start = Math.min(window.start, template.start);
    window.end = Math.max(window.end, template.blockedUntil);
  }
  const byRoom = groupByRoom(await sqlRunner(db).all<BlockingRow>(bookingSql.blockingIn(window, now)));

  const latestStart = horizonEnd(now, venue);
  page.sessions = candidates.map(({ template: t, price }): Session => {
    const blocked = blockage(t, byRoom.get(t.room.view.id));
    const closed = now >= t.bookableUntil || (latestStart !== null && t.start > latestStart);
    const status: SessionStatus = blocked?.status === 'booked' ? 'booked' : closed ? 'closed' : (blocked?.status ?? 'available');
    return {
      room_id: t.room.view.id,
      start_date: t.wire.start_date,
      end_date: t.wire.end_date,
      local_start: t.wire.local_start,
      local_end: t.wire.local_end,
      status,
      ...(status === 'held' && blocked?.heldUntil !== undefined ? { held_until: formatInstant(blocked.heldUntil) } : {}),
      bookable_until: t.wire.bookable_until,
      price,
    };
  });
  return page;
}
