import type { Session, SessionStatus, SessionsPage, SessionsQuery } from '../contract/index.js';
import { fromCents } from '../contract/money.js';
import { formatInstant } from '../contract/time.js';
import { overlaps, type Interval } from '../domain/interval.js';
import { partyFits, totalCents } from '../domain/pricing.js';
import { horizonEnd } from '../domain/venue-policy.js';
import { addDays } from '../domain/zoned.js';
import * as bookingSql from '../db/booking-sql.js';
import type { BlockingRow } from '../db/booking-sql.js';
import { sqlRunner } from '../db/sql.js';
import { readCatalog, type CatalogRoom, type SessionTemplate } from './catalog.js';
import type { ServiceDeps } from './deps.js';
import { roomNotFound } from './rooms.js';

/** A booking that blocks part of the window: its blocked interval, its times as numbers (PostgreSQL sends bigints as text). */
interface Blocking extends Interval {
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
      end: Number(row.blocked_until),
      confirmed: row.status === 'confirmed',
      expiresAt: Number(row.expires_at),
    };
    let room = byRoom.get(row.room_id);
    if (!room) byRoom.set(row.room_id, (room = { bookings: [], longest: 0 }));
    room.bookings.push(b);
    room.longest = Math.max(room.longest, b.end - b.start);
  }
  for (const room of byRoom.values()) room.bookings.sort((a, b) => a.start - b.start);
  return byRoom;
}

/** What blocks a session: a confirmed booking, or live holds until the last of them lapses (its instant), or nothing. */
type Blockage = 'booked' | number | null;

/**
 * What is blocking a session: `booked` if a confirmed booking overlaps its blocked interval,
 * else the instant the last live hold on it lapses, else nothing. Only the bookings that can
 * overlap are visited (a binary search, then back no further than the longest blocked
 * interval), so a month of fully booked short games stays linear rather than quadratic.
 */
function blockage(blocked: Interval, room: RoomBlocking | undefined): Blockage {
  if (!room) return null;
  const { bookings, longest } = room;
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
    if (!overlaps(blocked, b)) continue;
    if (b.confirmed) return 'booked';
    heldUntil = Math.max(heldUntil ?? 0, b.expiresAt);
  }
  return heldUntil;
}

const byStartThenRoom = (a: SessionTemplate, b: SessionTemplate) => a.start - b.start || a.room.view.id - b.room.view.id;

/**
 * The sessions of every open scheduled room over venue-local days, with what each costs the
 * party and whether it can be held now. The sessions themselves come from the process's catalog
 * (derived and formatted once per date); one query for every booking that blocks part of the
 * window; nothing per session but the session itself.
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
  // The answer of 1,000 rooms' day is 10,000 sessions: what is made per session is kept to the
  // session itself (the profile's heap grew by 8 MB per such answer, most of it short-lived).
  const templates: SessionTemplate[] = [];
  // A loop, not Math.min(...spread): a month of short games over many rooms is more arguments
  // than a call can take (RangeError past about 125,000).
  const window = { start: Infinity, end: -Infinity };
  for (let i = 0; i < query.days; i++) {
    // Temporal's date arithmetic was 3% of a one-day grid's time: the first day is the date itself.
    for (const template of catalog.sessionsOn(i === 0 ? query.date : addDays(query.date, i))) {
      if (query.room_id !== undefined && template.room.view.id !== query.room_id) continue;
      if (!priceIn(template.room)) continue;
      templates.push(template);
      window.start = Math.min(window.start, template.blocked.start);
      window.end = Math.max(window.end, template.blocked.end);
    }
  }
  const page: SessionsPage = { timezone: venue.timezone, currency: venue.currency, sessions: [] };
  if (templates.length === 0) return page;
  // Each date's sessions come sorted; so do the dates, unless a zone's day runs into the next.
  if (query.days > 1 && templates.some((t, i, all) => i > 0 && byStartThenRoom(all[i - 1] ?? t, t) > 0)) templates.sort(byStartThenRoom);

  const now = clock.now();
  const byRoom = groupByRoom(await sqlRunner(db).all<BlockingRow>(bookingSql.blockingIn(window, now)));

  const latestStart = horizonEnd(now, venue);
  page.sessions = templates.map((t): Session => {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- only priced rooms' templates were kept
    const price = priceIn(t.room)!;
    const blocked = blockage(t.blocked, byRoom.get(t.room.view.id));
    const closed = now >= t.bookableUntil || (latestStart !== null && t.start > latestStart);
    const status: SessionStatus = blocked === 'booked' ? 'booked' : closed ? 'closed' : blocked !== null ? 'held' : 'available';
    const { wire } = t;
    // Two literals rather than a spread of the optional field: one shape each, built in place.
    return status === 'held' && typeof blocked === 'number'
      ? {
          room_id: t.room.view.id,
          start_date: wire.start_date,
          end_date: wire.end_date,
          local_start: wire.local_start,
          local_end: wire.local_end,
          status,
          held_until: formatInstant(blocked),
          bookable_until: wire.bookable_until,
          price,
        }
      : {
          room_id: t.room.view.id,
          start_date: wire.start_date,
          end_date: wire.end_date,
          local_start: wire.local_start,
          local_end: wire.local_end,
          status,
          bookable_until: wire.bookable_until,
          price,
        };
  });
  return page;
}
