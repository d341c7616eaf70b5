import { describe, expect, it } from 'vitest';
import { emptyDatabase, testDrivers } from '@escape-room/booking-core/testing';
import { call, fixedHours } from './support/http.js';
import { startServer } from './support/server.js';
import { sql } from './support/sql.js';

const { holdBody } = fixedHours();

const ROUNDS = 12;
const CLIENTS = 32;

/**
 * The benchmark's contention scenario as a test: rounds of many clients fighting over one
 * slot. Every round has exactly one winner, nobody gets a 5xx, and on PostgreSQL no
 * transaction deadlocked. (Holds that passed their check together used to meet in the
 * exclusion constraint and deadlock each other; with one-second waits for the detector, the
 * losers ran out of retries and got 503. Holds on one room now take turns.)
 */
describe.each(testDrivers())('contention on %s', (driver) => {
  it(`${ROUNDS} rounds of ${CLIENTS} clients on one slot: one winner, no 5xx, no deadlock`, async () => {
    const db = await emptyDatabase(driver);
    const server = await startServer({ DATABASE_URL: db.url });
    const deadlocks = async () => {
      if (driver !== 'postgresql') return 0;
      const [row] = await sql<{ deadlocks: string }>(db.url, 'select deadlocks from pg_stat_database where datname = current_database()');
      return Number(row!.deadlocks);
    };
    try {
      const before = await deadlocks();
      for (let round = 0; round < ROUNDS; round++) {
        const responses = await Promise.all(
          Array.from({ length: CLIENTS }, (_, i) =>
            call(server.url, 'POST', '/api/v1/bookings', { body: holdBody(1, 24 + round, `contender${i}@example.com`) }),
          ),
        );
        const statuses = responses.map((r) => r.status);
        expect(statuses.filter((s) => s >= 500)).toEqual([]);
        expect(statuses.filter((s) => s === 201)).toHaveLength(1);
        expect(statuses.filter((s) => s === 409)).toHaveLength(CLIENTS - 1);
      }
      // A backend reports its deadlocks when it ends: close the pool first.
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await deadlocks()) - before).toBe(0);
    } finally {
      await server.stop();
      await db.dispose();
    }
  });
});
