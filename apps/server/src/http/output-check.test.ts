import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputMismatch } from '@escape-room/api';
import type { BookingApi } from '@escape-room/booking-core/api';
import { DEFAULT_VENUE, SessionsOutput, type SessionsPage } from '@escape-room/booking-core/contract';
import { buildServer } from '../app.js';
import { loadConfig } from '../config.js';

// Some operations' outputs are not parsed by tRPC (their meta says `trustOutput`, see the api's
// output-trust.ts): the sessions grid, the example here, and the rooms' reads. What the service
// builds goes on the wire. A server with CHECK_OUTPUTS, as the end-to-end suites start it, refuses
// to send such an answer unless it is exactly what the schema describes. Other operations keep
// tRPC's parse. A fixed service makes the outputs what each test says.

const PAGE: SessionsPage = {
  timezone: 'Europe/Paris',
  currency: 'EUR',
  sessions: [
    {
      room_id: 2,
      start_date: '2030-03-31T08:00:00.000Z',
      end_date: '2030-03-31T09:00:00.000Z',
      local_start: '2030-03-31T10:00:00+02:00',
      local_end: '2030-03-31T11:00:00+02:00',
      status: 'held',
      held_until: '2030-03-31T07:05:00.000Z',
      bookable_until: '2030-03-31T06:00:00.000Z',
      price: { players: 4, total: 112.5 },
    },
  ],
};
const first = PAGE.sessions[0]!;
/** A page the service could build by mistake with typed code: a spread that carries a field the contract lacks. */
const LEAKY = { ...PAGE, sessions: [{ ...first, guest_email: 'ada@example.com' }] };

let sessionsPage: unknown = PAGE;
const service = {
  listSessions: async () => sessionsPage,
  getVenue: async () => ({ ...DEFAULT_VENUE, secret: 'not in the contract' }),
} as Partial<BookingApi> as BookingApi;

async function serverWith(checkOutputs: boolean): Promise<FastifyInstance> {
  const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_ENABLED: 'false', CHECK_OUTPUTS: String(checkOutputs) });
  return buildServer({ config, service, pingDatabase: () => Promise.resolve() });
}

const input = encodeURIComponent(JSON.stringify({ date: '2030-03-31' }));
async function sessionsOverBothFaces(app: FastifyInstance) {
  const rest = await app.inject({ method: 'GET', url: '/api/v1/sessions?date=2030-03-31' });
  const trpc = await app.inject({ method: 'GET', url: `/trpc/sessions.list?input=${input}` });
  return { rest: { status: rest.statusCode, body: rest.json() }, trpc: { status: trpc.statusCode, body: trpc.json() } };
}

describe('outputMismatch', () => {
  it('passes a page that is exactly what the schema describes', () => {
    expect(outputMismatch(SessionsOutput, PAGE)).toBeUndefined();
  });

  it('names what is wrong with one that does not parse', () => {
    expect(outputMismatch(SessionsOutput, { ...PAGE, sessions: [{ ...first, status: 'gone' }] })).toMatch(/status/);
    expect(outputMismatch(SessionsOutput, { ...PAGE, sessions: [{ ...first, price: undefined }] })).toMatch(/price/);
  });

  it('refuses one that parses only by losing a field', () => {
    expect(SessionsOutput.safeParse(LEAKY).success).toBe(true);
    expect(outputMismatch(SessionsOutput, LEAKY)).toMatch(/not to itself/);
  });
});

describe.each([false, true])('a server with CHECK_OUTPUTS=%s', (checkOutputs) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await serverWith(checkOutputs);
  });
  afterAll(() => app.close());

  it('sends the sessions page as the service built it, on REST and tRPC alike', async () => {
    sessionsPage = PAGE;
    const { rest, trpc } = await sessionsOverBothFaces(app);
    expect(rest).toEqual({ status: 200, body: PAGE });
    expect(trpc).toEqual({ status: 200, body: { result: { data: PAGE } } });
  });

  it(checkOutputs ? 'refuses a page the schema does not describe exactly, as a failure of ours' : 'does not parse the sessions page: a field outside the contract would reach the wire', async () => {
    sessionsPage = LEAKY;
    const { rest, trpc } = await sessionsOverBothFaces(app);
    if (checkOutputs) {
      expect(rest.status).toBe(500);
      expect(rest.body).toMatchObject({ code: 'INTERNAL_ERROR' });
      expect(trpc.status).toBe(500);
      expect(JSON.stringify(trpc.body)).not.toContain('guest_email');
    } else {
      expect(rest).toEqual({ status: 200, body: LEAKY });
      expect(trpc).toEqual({ status: 200, body: { result: { data: LEAKY } } });
    }
  });

  it('still parses the outputs of operations that do not trust theirs', async () => {
    const venue = await app.inject({ method: 'GET', url: '/api/v1/venue' });
    expect(venue.json()).toEqual({ venue: DEFAULT_VENUE });
  });
});
