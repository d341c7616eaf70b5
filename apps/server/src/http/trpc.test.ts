import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError, appRouter, retryAfterHeader } from '@escape-room/api';
import type { BookingApi } from '@escape-room/booking-core/api';
import type { Room } from '@escape-room/booking-core/contract';
import { BookingError } from '@escape-room/booking-core/domain';
import { buildServer } from '../app.js';
import { loadConfig } from '../config.js';
import { contextFactory } from '../context.js';
import { unlimited } from '../rate-limit/limiter.js';
import { logProcedureError } from './error-handling.js';

// The server answers tRPC's protocol itself (trpc.ts). Whatever a client sends, it must answer as
// tRPC's own Fastify adapter does: the same status, body and protocol headers. A fixed service
// makes both answers deterministic; the end-to-end tests run the real one.

const ROOM: Room = {
  id: 1,
  name: 'Room 1',
  description: 'Escape room 1',
  price: 20,
  price_per: 'booking',
  price_tiers: [],
  min_players: 2,
  max_players: 6,
  buffer_minutes: 15,
  scheduled: false,
};
const BOOKING_ID = 'bk_3q2Zr9sX1vYkP0aLm4Tn8w';
const notFound = () => new BookingError('BOOKING_NOT_FOUND', 'No booking has that id');

const service = {
  listRooms: async () => [ROOM],
  availableRooms: async () => [ROOM],
  getVenue: async () => {
    throw new RateLimitedError(7);
  },
  listSessions: async () => {
    throw new Error('a failure of ours, with a detail no client may see');
  },
  getBooking: async () => {
    throw notFound();
  },
  confirmHold: async () => {
    throw notFound();
  },
  releaseHold: async () => {
    throw new BookingError('HOLD_EXPIRED', 'The hold has lapsed');
  },
  placeHold: async () => {
    throw new BookingError('SLOT_UNAVAILABLE', 'The room is already booked or held for part of that time');
  },
} as Partial<BookingApi> as BookingApi;

const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_ENABLED: 'false' });
const makeContext = contextFactory(service, undefined, unlimited);

/** The reference: tRPC's own Fastify adapter, mounted as the server mounted it before. */
async function referenceServer(): Promise<FastifyInstance> {
  const app = Fastify({ routerOptions: { maxParamLength: 500 } });
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }: { req: FastifyRequest }) => makeContext(req),
      responseMeta: ({ errors }: { errors: { cause?: unknown }[] }) => ({ headers: retryAfterHeader(errors) }),
      onError: logProcedureError,
    },
  });
  return app;
}

const slot = { start_date: '2030-01-31T18:00:00Z', end_date: '2030-01-31T19:00:00Z' };
const hold = { room_id: 1, guest: { name: 'Ada', email: 'ada@example.com' }, ...slot };
const q = (value: unknown) => encodeURIComponent(JSON.stringify(value));

interface Probe {
  what: string;
  method?: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

const PROBES: Probe[] = [
  { what: 'a query without input', path: '/trpc/rooms.list' },
  { what: 'a query with input', path: `/trpc/rooms.availability?input=${q(slot)}` },
  { what: 'a batch of one, as the SDK sends it', path: `/trpc/rooms.availability?batch=1&input=${q({ 0: slot })}` },
  { what: 'a batch of two', path: `/trpc/rooms.list,rooms.availability?batch=1&input=${q({ 1: slot })}` },
  { what: 'a batch with an unknown procedure (207)', path: `/trpc/rooms.list,rooms.nothing?batch=1&input=${q({})}` },
  { what: 'a batch whose input is no object', path: '/trpc/rooms.list,rooms.availability?batch=1&input=5' },
  { what: 'input that is not JSON', path: '/trpc/rooms.availability?input=%7Bnot-json' },
  { what: 'missing input', path: '/trpc/rooms.availability' },
  { what: 'invalid input', path: `/trpc/rooms.availability?input=${q({ start_date: 'yesterday' })}` },
  { what: 'an unknown procedure', path: '/trpc/rooms.nothing' },
  { what: 'a domain refusal', path: `/trpc/bookings.get?input=${q({ booking_id: BOOKING_ID })}` },
  { what: 'a spent budget (Retry-After)', path: '/trpc/venue.get' },
  { what: 'a spent budget inside a batch', path: `/trpc/venue.get,rooms.list?batch=1&input=${q({})}` },
  { what: 'a failure of ours', path: `/trpc/sessions.list?input=${q({ date: '2030-01-31' })}` },
  { what: 'a query called by POST', method: 'POST', path: '/trpc/rooms.list', body: '{}', headers: { 'content-type': 'application/json' } },
  { what: 'a mutation called by GET', path: `/trpc/bookings.hold?input=${q(hold)}` },
  { what: 'a mutation', method: 'POST', path: '/trpc/bookings.hold', body: JSON.stringify(hold), headers: { 'content-type': 'application/json' } },
  { what: 'a mutation without a body', method: 'POST', path: '/trpc/bookings.hold', headers: { 'content-type': 'application/json' } },
  { what: 'a mutation with a broken body', method: 'POST', path: '/trpc/bookings.hold', body: '{"room_id":', headers: { 'content-type': 'application/json' } },
  {
    what: 'a batch of mutations with two outcomes',
    method: 'POST',
    path: '/trpc/bookings.confirm,bookings.release?batch=1',
    body: JSON.stringify({ 0: { booking_id: BOOKING_ID }, 1: { booking_id: BOOKING_ID } }),
    headers: { 'content-type': 'application/json' },
  },
  { what: 'a batch mixing a query and a mutation', path: `/trpc/rooms.list,bookings.hold?batch=1&input=${q({})}` },
  { what: 'a streamed batch', path: `/trpc/rooms.list?batch=1&input=${q({})}`, headers: { 'trpc-accept': 'application/jsonl' } },
  { what: 'HEAD', method: 'HEAD', path: '/trpc/rooms.list' },
  { what: 'another method', method: 'PUT', path: '/trpc/rooms.list', body: '{}', headers: { 'content-type': 'application/json' } },
];

const PROTOCOL_HEADERS = ['content-type', 'vary', 'allow', 'retry-after'];

async function answer(base: string, probe: Probe) {
  const response = await fetch(`${base}${probe.path}`, { method: probe.method ?? 'GET', body: probe.body, headers: probe.headers });
  const text = await response.text();
  const headers = Object.fromEntries(PROTOCOL_HEADERS.map((name) => [name, response.headers.get(name)]));
  // The media type is the protocol's (a charset parameter is the host's); so is Vary, but for the
  // `Origin` the host's CORS plugin adds to every answer.
  headers['content-type'] = headers['content-type']?.split(';')[0] ?? null;
  const vary = headers.vary?.split(/,\s*/).filter((token) => token !== 'Origin') ?? [];
  headers.vary = vary.length > 0 ? vary.join(', ') : null;
  // JSON is compared parsed; a streamed answer as the text it is.
  const body = headers['content-type']?.startsWith('application/json') && !probe.headers?.['trpc-accept'] ? (text ? JSON.parse(text) : text) : text;
  return { status: response.status, headers, body };
}

describe("the server's tRPC protocol", () => {
  let ours: FastifyInstance;
  let reference: FastifyInstance;
  let oursUrl = '';
  let referenceUrl = '';

  beforeAll(async () => {
    ours = await buildServer({ config, service, pingDatabase: () => Promise.resolve() });
    reference = await referenceServer();
    oursUrl = await ours.listen({ port: 0, host: '127.0.0.1' });
    referenceUrl = await reference.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await ours.close();
    await reference.close();
  });

  it.each(PROBES)('answers $what as tRPC’s own adapter does', async (probe) => {
    const [mine, theirs] = await Promise.all([answer(oursUrl, probe), answer(referenceUrl, probe)]);
    expect(mine).toEqual(theirs);
  });

  it('answers every kind of outcome among the probes (the comparison covers them)', async () => {
    const statuses = new Set<number>();
    for (const probe of PROBES) statuses.add((await answer(oursUrl, probe)).status);
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 204, 207, 400, 404, 405, 409, 429, 500]));
  });

  it('varies on Origin as every other answer does, so a shared cache keeps one origin’s answer from another', async () => {
    const varyOf = async (path: string) => (await fetch(`${oursUrl}${path}`, { headers: { origin: 'https://elsewhere.example' } })).headers.get('vary');
    expect(await varyOf('/api/v1/rooms')).toBe('Origin');
    for (const path of ['/trpc/rooms.list', '/trpc/rooms.list?batch=1&input=%7B%7D', '/trpc/nope']) {
      expect((await varyOf(path))?.split(/,\s*/)).toEqual(['Origin', 'trpc-accept', 'accept']);
    }
  });

  it('never shows a failure of ours to the client', async () => {
    const { status, body } = await answer(oursUrl, PROBES.find((p) => p.what === 'a failure of ours')!);
    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toContain('detail no client may see');
  });
});
