import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, testDrivers } from '@escape-room/test-utils';
import { call, fixedHours } from './support/http.js';
import { everyBooking } from './support/invariants.js';
import { startServer, type RunningServer } from './support/server.js';

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
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- still undefined if beforeAll failed
    await db?.dispose();
  });

  const on = (i: number) => servers[i % servers.length]!.url;

  it(`${HOLDS} parallel holds on ${SLOTS} contested slots, spread over both: one winner per slot, no 5xx`, async () => {
    const contested = new Set<string>();
    const responses = await Promise.all(
      Array.from({ length: HOLDS }, (_, i) => {
        const slot = i % SLOTS;
        const body = holdBody(1 + (slot % 10), 24 + Math.floor(slot / 10), `racer${i}@example.com`);
        contested.add(`${body.room_id} ${body.start_date}`);
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

    // Exactly one booking in each contested slot (other tests book other hours).
    const listed = (await everyBooking(on(0))).filter((b) => contested.has(`${b.room_id} ${b.start_date}`));
    expect(listed).toHaveLength(SLOTS);
    expect(new Set(listed.map((b) => `${b.room_id} ${b.start_date}`)).size).toBe(SLOTS);
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
