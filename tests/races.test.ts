import { afterEach, describe, expect, it } from 'vitest';
import { emptyDatabase, testDrivers, type TestDriver } from '@escape-room/test-utils';
import { call, fixedHours, type JsonResponse } from './support/http.js';
import { TEST_ADMIN_KEY, startServer, type RunningServer } from './support/server.js';
import { sql } from './support/sql.js';
import { until } from './support/wait.js';

const { holdBody, slot } = fixedHours();

/** Rounds of clients fighting over one slot each (the benchmark's contention scenario). */
const ROUNDS = 12;
const CLIENTS = 50;
const CONFIRM_RELEASE_ROUNDS = 10;
const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

/**
 * The races, once for every driver with one server process and with two sharing the
 * database. PostgreSQL is made for several instances; SQLite is the single-node choice, but
 * a second process on the same file still must not double-book or corrupt anything.
 */
const setups = testDrivers().flatMap((driver) => [1, 2].map((instances) => ({ driver, instances })));

interface Cluster {
  servers: RunningServer[];
  databaseUrl: string;
  /** The instance request `i` goes to: requests alternate between instances. */
  on(i: number): string;
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** A fresh database and `instances` real server processes on it, stopped after the test. */
async function cluster(driver: TestDriver, instances: number): Promise<Cluster> {
  const db = await emptyDatabase(driver);
  const servers: RunningServer[] = [];
  cleanup = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await db.dispose();
  };
  const env = { DATABASE_URL: db.url };
  if (driver === 'postgresql') {
    // Instances may start together: migrations take turns under an advisory lock.
    servers.push(...(await Promise.all(Array.from({ length: instances }, () => startServer(env)))));
  } else {
    for (let i = 0; i < instances; i++) servers.push(await startServer(env));
  }
  return { servers, databaseUrl: db.url, on: (i) => servers[i % servers.length]!.url };
}

/** Deadlocks PostgreSQL counted in the test's database (0 on SQLite). */
async function deadlocks(driver: TestDriver, databaseUrl: string): Promise<number> {
  if (driver !== 'postgresql') return 0;
  const [row] = await sql<{ deadlocks: string }>(databaseUrl, 'select deadlocks from pg_stat_database where datname = current_database()');
  return Number(row!.deadlocks);
}

/**
 * Stops the servers and waits until their PostgreSQL backends have gone: a backend adds its
 * counts (deadlocks among them) to the statistics as it exits, before it leaves pg_stat_activity.
 */
async function stopAndSettle(driver: TestDriver, { servers, databaseUrl }: Cluster): Promise<void> {
  for (const server of servers) expect(await server.stop()).toBe(0);
  if (driver !== 'postgresql') return;
  const others = 'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()';
  await until("the servers' backends have exited", async () => (await sql(databaseUrl, others)).length === 0);
}

describe.each(setups)('races on $driver with $instances server instance(s)', ({ driver, instances }) => {
  it(`${ROUNDS} rounds of ${CLIENTS} parallel holds on one slot: one 201, ${CLIENTS - 1} 409s, no 5xx, one booking per slot, no deadlock`, async () => {
    const servers = await cluster(driver, instances);
    const before = await deadlocks(driver, servers.databaseUrl);

    for (let round = 0; round < ROUNDS; round++) {
      const responses = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) =>
          call(servers.on(i), 'POST', '/api/v1/bookings', { body: holdBody(1, 24 + round, `guest${round}-${i}@example.com`) }).then(
            (response) => ({ instance: i % instances, response }),
          ),
        ),
      );
      const statuses = responses.map(({ response }) => response.status);
      expect(statuses.filter((s) => s >= 500), `round ${round}`).toEqual([]);
      expect(statuses.filter((s) => s === 201), `round ${round}`).toHaveLength(1);
      expect(statuses.filter((s) => s === 409), `round ${round}`).toHaveLength(CLIENTS - 1);
      const refused = responses.filter(({ response }) => response.status === 409);
      expect(refused.every(({ response }) => response.body.code === 'SLOT_UNAVAILABLE'), `round ${round}`).toBe(true);
      // Every instance took part in the fight: each refused someone.
      expect(new Set(refused.map(({ instance }) => instance)).size).toBe(instances);
    }

    const listed: JsonResponse = await call(servers.on(0), 'GET', '/api/v1/bookings?room_id=1&limit=100', { headers: admin });
    expect(listed.status).toBe(200);
    expect(listed.body.bookings).toHaveLength(ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      const booked = listed.body.bookings.filter((b: { start_date: string }) => b.start_date === slot(24 + round).start_date);
      expect(booked, `the slot of round ${round}`).toHaveLength(1);
    }

    await stopAndSettle(driver, servers);
    expect((await deadlocks(driver, servers.databaseUrl)) - before).toBe(0);
  });

  it(`${CONFIRM_RELEASE_ROUNDS} rounds of a confirm racing a release of one hold: exactly one wins, the final state is the winner's`, async () => {
    const servers = await cluster(driver, instances);
    for (let round = 0; round < CONFIRM_RELEASE_ROUNDS; round++) {
      const held = await call(servers.on(round), 'POST', '/api/v1/bookings', { body: holdBody(2, 24 + round) });
      expect(held.status).toBe(201);
      const hold = held.body.booking;
      // With two instances the confirm goes to one and the release to the other.
      const [confirm, release] = await Promise.all([
        call(servers.on(0), 'PUT', `/api/v1/bookings/${hold.id}/confirm`),
        call(servers.on(1), 'DELETE', `/api/v1/bookings/${hold.id}/release`),
      ]);
      expect([confirm.status, release.status].sort(), `round ${round}`).toEqual([200, 409]);
      const winners = [confirm, release].filter((r) => r.status === 200);
      const losers = [confirm, release].filter((r) => r.status !== 200);
      expect(winners).toHaveLength(1);
      expect(losers[0]!.status).toBe(409);
      expect(losers[0]!.body.code).toBe('INVALID_STATE');
      const final = await call(servers.on(round + 1), 'GET', `/api/v1/bookings/${hold.id}`);
      expect(final.body.booking.status).toBe(winners[0]!.body.booking.status);
    }
  });
});
