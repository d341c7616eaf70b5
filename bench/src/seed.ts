import { emptyDatabase, type TestDriver } from '@escape-room/test-utils';
import { REFERENCE_ALPHABET, REFERENCE_LENGTH } from '@escape-room/booking-core/contract';
import { databaseTarget, migrate, openDatabase } from '@escape-room/booking-core/db';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Free-range layout: every seeded booking starts on a 2-hour grid and lasts 90 minutes: no overlaps by construction. */
export const SLOT_MS = 2 * HOUR;
/** The reset every seeded room asks for after a game, and every seeded booking carries. */
export const BUFFER_MINUTES = 15;

/** The benchmark venue: a real time zone, so sessions go through the same DST-aware conversions as a venue's. */
export const VENUE = { name: 'Bench venue', timezone: 'Europe/Paris', currency: 'EUR', minNoticeMinutes: 60, cancellationCutoffHours: 24 };

/**
 * Sessions layout: every room is scheduled every day, 60-minute games with the 15-minute reset,
 * ten a day. Even rooms open at 10:00, odd rooms at 10:30 (venue time), so the grid has two
 * sets of start times, as a venue staggering its rooms would.
 */
export const SESSION_MINUTES = 60;
export const SESSIONS_PER_DAY = 10;
const openMinute = (parity: 0 | 1) => 10 * 60 + parity * 30;
const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
function scheduleJson(parity: 0 | 1): string {
  const open = openMinute(parity);
  // The last game ends at closing time: one game more would not fit.
  const close = open + (SESSIONS_PER_DAY - 1) * (SESSION_MINUTES + BUFFER_MINUTES) + SESSION_MINUTES;
  const day = { open: hhmm(open), close: hhmm(close) };
  const weekly = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, day]));
  return JSON.stringify({ session_minutes: SESSION_MINUTES, weekly, exceptions: [] });
}

export type Layout = 'free' | 'sessions';

export interface SeededDatabase {
  url: string;
  layout: Layout;
  rooms: number;
  bookings: number;
  /** The seeded bookings cover [from, to): availability queries aim inside it. */
  from: number;
  to: number;
  /** Sessions layout: the venue-local date in the middle of the history, fully seeded on every room. */
  sessionsDate?: string;
  dispose: () => Promise<void>;
}

/** The venue-local calendar date of an instant, and the UTC offset (ms) in force at that date's noon. */
function localDate(instant: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}
function offsetMs(date: string, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(Date.parse(`${date}T12:00:00Z`))
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * HOUR + Number(match[3]) * MINUTE) : 0;
}

/**
 * The n-th seeded booking's reference: n in base 31 over the reference alphabet, 8 digits.
 * Distinct for distinct n, so a million of them never collide (random ones might), and the
 * database's random fallback never runs.
 */
function referenceSql(n: string): string {
  const base = REFERENCE_ALPHABET.length;
  return Array.from({ length: REFERENCE_LENGTH }, (_, k) => {
    const place = base ** (REFERENCE_LENGTH - 1 - k);
    return `substr('${REFERENCE_ALPHABET}', cast((${n}) / ${place} % ${base} + 1 as integer), 1)`;
  }).join(' || ');
}

/**
 * A migrated database with `rooms` rooms and `bookings` bookings, written by single
 * INSERT … SELECT statements over a generated sequence (no API, no per-row round trip).
 * Statuses mix like a real venue's history: mostly confirmed, some released, cancelled, expired.
 *
 * Rooms take 2 to 4, 6 or 8 players; even rooms charge per player (cheaper from 4 players),
 * odd rooms per booking; every room resets for 15 minutes. Bookings carry 2 to 4 players, the
 * reset, their total at those terms, the currency and a unique reference.
 *
 * - `free`: rooms take any range (no schedule); bookings on a 2-hour grid around the clock,
 *   half the history in the past, half in the future.
 * - `sessions`: every room scheduled (ten games a day, see above), each session of each day
 *   booked in turn, so every day of the history holds the same number of bookings (seven in
 *   ten blocking) whatever the total: 10k bookings over 1,000 rooms are one full day, 1M are a
 *   hundred. The history is centred on tomorrow, the day the sessions scenario asks for.
 */
export async function seedDatabase(driver: TestDriver, rooms: number, bookings: number, layout: Layout = 'free'): Promise<SeededDatabase> {
  const empty = await emptyDatabase(driver);
  const db = await openDatabase(databaseTarget(empty.url));
  try {
    await migrate(db);
    const conn = db.em.fork().getConnection();
    const perRoom = Math.ceil(bookings / rooms);
    const now = Date.now();
    const series = (n: number) =>
      driver === 'postgresql'
        ? `generate_series(0::bigint, ${n - 1}) as seq(n)`
        : `(with recursive s(n) as (select 0 union all select n + 1 from s where n < ${n - 1}) select n from s) as seq`;
    // Over the room's bookings in turn, not the room: with 10 or 1,000 rooms, n % 10 would leave whole rooms unbooked.
    const status = `case (n + n / ${rooms}) % 10 when 6 then 'released' when 7 then 'cancelled' when 8 then 'expired' else 'confirmed' end`;

    await conn.execute(
      `insert into venue (id, name, timezone, currency, min_notice_minutes, horizon_days, cancellation_cutoff_hours, updated_at)
        values (1, ?, ?, ?, ?, null, ?, ?)`,
      [VENUE.name, VENUE.timezone, VENUE.currency, VENUE.minNoticeMinutes, VENUE.cancellationCutoffHours, now],
    );

    // Room m (0-based, id m + 1): its terms as SQL over m, reused for the bookings' totals.
    const price = (m: string) => `(1000 + (${m}) % 20 * 250)`;
    const schedule = layout === 'sessions' ? `case n % 2 when 0 then '${scheduleJson(0)}' else '${scheduleJson(1)}' end` : 'null';
    await conn.execute(`insert into room (id, name, description, price_cents, price_per, price_tiers, min_players, max_players, buffer_minutes, schedule)
      select n + 1, 'Room ' || (n + 1), 'Benchmark room', ${price('n')},
             case n % 2 when 0 then 'player' else 'booking' end,
             case n % 2 when 0 then '[{"min_players":4,"price_cents":' || (${price('n')} - 200) || '}]' else '[]' end,
             2, 4 + n % 3 * 2, ${BUFFER_MINUTES}, ${schedule}
      from ${series(rooms)}`);
    await conn.execute(`insert into guest (email, email_key, name, created_at)
      select 'guest' || n || '@bench.example', 'guest' || n || '@bench.example', 'Guest ' || n, ${now} from ${series(1000)}`);

    let from: number;
    let to: number;
    let startAt: string;
    let sessionsDate: string | undefined;
    if (layout === 'free') {
      from = Math.floor((now - (perRoom * SLOT_MS) / 2) / HOUR) * HOUR;
      to = from + perRoom * SLOT_MS;
      startAt = `${from} + (n / ${rooms}) * ${SLOT_MS}`;
    } else {
      const days = Math.ceil(perRoom / SESSIONS_PER_DAY);
      sessionsDate = localDate(now + DAY, VENUE.timezone);
      // Local midnight of the first day as UTC, with the offset of the queried date: days across
      // a DST change sit an hour off the grid, which only moves a few past bookings.
      const firstMidnight = Date.parse(`${sessionsDate}T00:00:00Z`) - offsetMs(sessionsDate, VENUE.timezone) - Math.floor(days / 2) * DAY;
      from = firstMidnight + openMinute(0) * MINUTE;
      to = firstMidnight + days * DAY;
      const k = `(n / ${rooms})`;
      startAt = `${firstMidnight} + ${k} / ${SESSIONS_PER_DAY} * ${DAY} + (${openMinute(0)} + n % ${rooms} % 2 * 30 + ${k} % ${SESSIONS_PER_DAY} * ${SESSION_MINUTES + BUFFER_MINUTES}) * ${MINUTE}`;
    }
    const duration = layout === 'free' ? 1.5 * HOUR : SESSION_MINUTES * MINUTE;
    const players = `(2 + n % 3)`;
    // The room's terms at the party's size: per player (4+ at the tier price) on even rooms, per booking on odd ones.
    const total = `case n % ${rooms} % 2 when 0 then ${players} * (${price(`n % ${rooms}`)} - case when ${players} >= 4 then 200 else 0 end) else ${price(`n % ${rooms}`)} end`;
    await conn.execute(`insert into booking (id, room_id, guest_id, status, start_at, end_at, created_at, updated_at, expires_at,
        players, buffer_ms, total_cents, currency, reference)
      select 'bk_seed' || n, 1 + n % ${rooms}, 1 + n % 1000, ${status},
             ${startAt}, ${startAt} + ${duration}, ${now}, ${now}, null,
             ${players}, ${BUFFER_MINUTES * MINUTE}, ${total}, '${VENUE.currency}', ${referenceSql('n')}
      from ${series(bookings)}`);
    await conn.execute('analyze');
    return { url: empty.url, layout, rooms, bookings, from, to, ...(sessionsDate ? { sessionsDate } : {}), dispose: empty.dispose };
  } finally {
    await db.close(true);
  }
}
