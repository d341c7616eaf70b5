import { emptyDatabase, type TestDriver } from '@escape-room/test-utils';
import { databaseTarget, migrate, openDatabase } from '@escape-room/booking-core/db';

const HOUR = 3_600_000;
/** Every seeded booking starts on a 2-hour grid and lasts 90 minutes: no overlaps by construction. */
export const SLOT_MS = 2 * HOUR;

export interface SeededDatabase {
  url: string;
  rooms: number;
  bookings: number;
  /** The seeded bookings cover [from, to): availability queries aim inside it. */
  from: number;
  to: number;
  dispose: () => Promise<void>;
}

/**
 * A migrated database with `rooms` rooms and `bookings` bookings, written by single
 * INSERT … SELECT statements over a generated sequence (no API, no per-row round trip).
 * Statuses mix like a real venue's history: mostly confirmed, some released, cancelled, expired.
 * Half the history lies in the past, half in the future.
 */
export async function seedDatabase(driver: TestDriver, rooms: number, bookings: number): Promise<SeededDatabase> {
  const empty = await emptyDatabase(driver);
  const db = await openDatabase(databaseTarget(empty.url));
  try {
    await migrate(db);
    const conn = db.em.fork().getConnection();
    const perRoom = Math.ceil(bookings / rooms);
    const now = Date.now();
    const from = Math.floor((now - (perRoom * SLOT_MS) / 2) / HOUR) * HOUR;
    const to = from + perRoom * SLOT_MS;
    const series = (n: number) =>
      driver === 'postgresql'
        ? `generate_series(0::bigint, ${n - 1}) as seq(n)`
        : `(with recursive s(n) as (select 0 union all select n + 1 from s where n < ${n - 1}) select n from s) as seq`;
    const status = `case n % 10 when 6 then 'released' when 7 then 'cancelled' when 8 then 'expired' else 'confirmed' end`;

    await conn.execute(`insert into room (id, name, description, price_cents)
      select n + 1, 'Room ' || (n + 1), 'Benchmark room', 1000 + (n % 20) * 250 from ${series(rooms)}`);
    await conn.execute(`insert into guest (email, email_key, name, created_at)
      select 'guest' || n || '@bench.example', 'guest' || n || '@bench.example', 'Guest ' || n, ${now} from ${series(1000)}`);
    await conn.execute(`insert into booking (id, room_id, guest_id, status, start_at, end_at, created_at, updated_at, expires_at)
      select 'bk_seed' || n, 1 + n % ${rooms}, 1 + n % 1000, ${status},
             ${from} + (n / ${rooms}) * ${SLOT_MS}, ${from} + (n / ${rooms}) * ${SLOT_MS} + ${1.5 * HOUR},
             ${now}, ${now}, null
      from ${series(bookings)}`);
    await conn.execute('analyze');
    return { url: empty.url, rooms, bookings, from, to, dispose: empty.dispose };
  } finally {
    await db.close(true);
  }
}
