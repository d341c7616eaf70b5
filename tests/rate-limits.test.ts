import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@escape-room/api/router';
import { BookingApiError, createBookingClient } from '@escape-room/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase } from '@escape-room/test-utils';
import { freePort } from '@escape-room/test-utils';
import { call, fixedHours } from './support/http.js';
import { startServer, type RunningServer } from './support/server.js';
import { useServer } from './support/use-server.js';
import { until } from './support/wait.js';

// Each hold is a different guest's: these count request budgets, not the per-guest hold cap.
const { holdBody } = fixedHours();

const LIMITS = { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_HOLDS_PER_MINUTE: '3', RATE_LIMIT_READS_PER_MINUTE: '8' };

// Every test spends budgets, so each has servers (and a Redis) of its own: none depends on
// what another left of a budget.
describe('rate limits on one instance', () => {
  describe('holds', () => {
    const ctx = useServer(LIMITS);

    it('holds have their own, stricter budget, shared by REST and tRPC; 429 carries Retry-After', async () => {
      const trpc = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${ctx.url}/trpc` })] });
      expect((await ctx.api('POST', '/bookings', { body: holdBody(1, 24) })).status).toBe(201);
      await trpc.bookings.hold.mutate(holdBody(2, 24));
      // Refused holds and invalid ones spend the budget too: it counts calls, not successes.
      expect((await ctx.api('POST', '/bookings', { body: { room_id: 'nonsense' } })).status).toBe(400);

      const limited = await ctx.api('POST', '/bookings', { body: holdBody(3, 24) });
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      const viaTrpc = await trpc.bookings.hold.mutate(holdBody(4, 24)).catch((error: unknown) => error);
      expect(viaTrpc).toBeInstanceOf(TRPCClientError);
      expect((viaTrpc as TRPCClientError<AppRouter>).data?.code).toBe('RATE_LIMITED');
      // The SDK hands the header on, so a page can wait exactly that long before trying again.
      const viaSdk = await createBookingClient({ baseUrl: ctx.url, retries: 0 })
        .bookings.hold(holdBody(5, 24))
        .catch((error: unknown) => error);
      expect(viaSdk).toBeInstanceOf(BookingApiError);
      expect(viaSdk).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
      expect((viaSdk as BookingApiError).retryAfterSeconds).toBeGreaterThan(0);
      expect((viaSdk as BookingApiError).retryAfterSeconds).toBeLessThanOrEqual(60);

      // Reads are a different budget.
      expect((await ctx.api('GET', '/rooms')).status).toBe(200);
    });
  });

  describe('reads', () => {
    const ctx = useServer(LIMITS);

    it('counts every call of a tRPC batch', async () => {
      const trpc = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${ctx.url}/trpc` })] });
      // Eleven reads against a budget of eight, in one batch.
      const results = await Promise.allSettled(Array.from({ length: 11 }, () => trpc.rooms.list.query()));
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused.length).toBe(3);
      for (const r of refused) expect((r.reason as TRPCClientError<AppRouter>).data?.code).toBe('RATE_LIMITED');
    });
  });
});

/** Whether the Redis on `port` answers PING right now. */
function answersPing(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1_000, () => socket.destroy());
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('close', () => resolve(false));
    socket.once('error', () => resolve(false));
  });
}

/** A Redis of the enclosing suite's own (so it may kill it) and two instances sharing it. */
function twoInstancesSharingRedis() {
  const setup = { redis: undefined as unknown as ChildProcess, servers: [] as RunningServer[] };
  let db: Awaited<ReturnType<typeof emptyDatabase>>;

  beforeAll(async () => {
    const port = await freePort();
    setup.redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await until('redis-server answers PING', () => {
      if (setup.redis.exitCode !== null) throw new Error(`redis-server exited with ${setup.redis.exitCode}`);
      return answersPing(port);
    });
    db = await emptyDatabase('sqlite');
    const env = { ...LIMITS, DATABASE_URL: db.url, REDIS_URL: `redis://127.0.0.1:${port}` };
    setup.servers = [await startServer(env)];
    setup.servers.push(await startServer(env));
  });
  afterAll(async () => {
    await Promise.all(setup.servers.map((server) => server.stop()));
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- still undefined if beforeAll failed
    setup.redis?.kill('SIGKILL');
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- still undefined if beforeAll failed
    await db?.dispose();
  });
  return setup;
}

describe('rate limits shared through Redis by two instances', () => {
  describe('while Redis runs', () => {
    const setup = twoInstancesSharingRedis();

    it('a client cannot double its budget by switching instance', async () => {
      const [a, b] = setup.servers.map((server) => server.url) as [string, string];
      expect((await call(a, 'POST', '/api/v1/bookings', { body: holdBody(1, 30, 'guest1@example.com') })).status).toBe(201);
      expect((await call(b, 'POST', '/api/v1/bookings', { body: holdBody(2, 30, 'guest2@example.com') })).status).toBe(201);
      expect((await call(a, 'POST', '/api/v1/bookings', { body: holdBody(3, 30, 'guest3@example.com') })).status).toBe(201);
      const fourth = await call(b, 'POST', '/api/v1/bookings', { body: holdBody(4, 30, 'guest4@example.com') });
      expect(fourth.status).toBe(429);
      expect(fourth.body.code).toBe('RATE_LIMITED');
    });
  });

  describe('when Redis goes away', () => {
    const setup = twoInstancesSharingRedis();

    it('keeps serving with each instance enforcing the budgets itself, and says so in the log', async () => {
      const { redis, servers } = setup;
      redis.kill('SIGKILL');
      await new Promise((resolve) => redis.once('exit', resolve));
      const [a, b] = servers.map((server) => server.url) as [string, string];
      for (let i = 0; i < 3; i++) {
        const response = await call(a, 'GET', '/api/v1/rooms');
        expect(response.status).toBe(200);
      }
      // Three holds a minute, now counted per instance: not lifted, not refused outright.
      for (const room of [1, 2, 3]) expect((await call(a, 'POST', '/api/v1/bookings', { body: holdBody(room, 30, `guest${room}@example.com`) })).status).toBe(201);
      expect((await call(a, 'POST', '/api/v1/bookings', { body: holdBody(4, 30, 'guest4@example.com') })).status).toBe(429);
      expect((await call(b, 'POST', '/api/v1/bookings', { body: holdBody(5, 30, 'guest5@example.com') })).status).toBe(201);
      await until('the server logs that Redis is gone', () => servers[0]!.logs.some((line) => line.includes('redis unavailable')));
    });
  });
});
