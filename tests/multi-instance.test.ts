import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, testDrivers } from '@escape-room/booking-core/testing';
import { call, fixedHours, type JsonResponse } from './support/http.js';
import { TEST_ADMIN_KEY, startServer, type RunningServer } from './support/server.js';

const { holdBody } = fixedHours();

const SLOTS = 20;
const HOLDS = 200;

describe.each(testDrivers())('several server processes on one %s database', (driver) => {
  let servers: RunningServer[] = [];
  let db: Awaited<ReturnType<typeof emptyDatabase>>;

  beforeAll(async () => {
    db = await emptyDatabase(driver);
    const env = { DATABASE_URL: db.url };
    if (driver === 'postgresql') {
      // Instances may start together: migrations take turns under an advisory lock.
      servers = await Promise.all([startServer(env), startServer(env)]);
    } else {
      // SQLite is the single-node choice; a second process still must not corrupt anything.
      servers = [await startServer(env)];
      servers.push(await startServer(env));
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await db?.dispose();
  });

  const on = (i: number) => servers[i % servers.length]!.url;

  it(`${HOLDS} parallel holds on ${SLOTS} contested slots, spread over both: one winner per slot, no 5xx`, async () => {
    const responses = await Promise.all(
      Array.from({ length: HOLDS }, (_, i) => {
        const slot = i % SLOTS;
        const body = holdBody(1 + (slot % 10), 24 + Math.floor(slot / 10), `racer${i}@example.com`);
        return call(on(i), 'POST', '/api/v1/bookings', { body }).then((response) => ({ slot, response }));
      }),
    );
    const statuses = responses.map(({ response }) => response.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(SLOTS);
    expect(statuses.filter((s) => s === 409)).toHaveLength(HOLDS - SLOTS);
    for (let slot = 0; slot < SLOTS; slot++) {
      const winners = responses.filter((r) => r.slot === slot && r.response.status === 201);
      expect(winners, `slot ${slot}`).toHaveLength(1);
    }
    // Both instances served winners and losers alike.
    expect(new Set(responses.map((_, i) => on(i))).size).toBe(2);

    const listed: JsonResponse = await call(on(0), 'GET', '/api/v1/bookings?limit=100', {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    expect(listed.body.bookings).toHaveLength(SLOTS);
  });

  it('a confirm on one instance racing a release on the other: exactly one wins', async () => {
    for (let round = 0; round < 10; round++) {
      const hold = (await call(on(round), 'POST', '/api/v1/bookings', { body: holdBody(10, 60 + round) })).body.booking;
      const [confirm, release] = await Promise.all([
        call(on(0), 'PUT', `/api/v1/bookings/${hold.id}/confirm`),
        call(on(1), 'DELETE', `/api/v1/bookings/${hold.id}/release`),
      ]);
      const statuses = [confirm.status, release.status].sort();
      expect(statuses).toEqual([200, 409]);
      const winner = confirm.status === 200 ? confirm : release;
      const final = await call(on(round + 1), 'GET', `/api/v1/bookings/${hold.id}`);
      expect(final.body.booking.status).toBe(winner.body.booking.status);
    }
  });

  it('an Idempotency-Key retried on the other instance replays the first hold', async () => {
    const body = holdBody(9, 80);
    const headers = { 'idempotency-key': `retry-${driver}-1` };
    const first = await call(on(0), 'POST', '/api/v1/bookings', { body, headers });
    const retried = await call(on(1), 'POST', '/api/v1/bookings', { body, headers });
    expect(first.status).toBe(201);
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(first.body);
    const reused = await call(on(1), 'POST', '/api/v1/bookings', { body: holdBody(9, 81), headers });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
