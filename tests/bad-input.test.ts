import { afterEach, describe, expect, it } from 'vitest';
import { testDrivers } from '@escape-room/test-utils';
import { useServer } from './support/use-server.js';
import { call, fixedHours, type JsonResponse } from './support/http.js';
import { TEST_ADMIN_KEY } from './support/server.js';

const { holdBody, slot } = fixedHours();

describe.each(testDrivers())('%s', (driver) => {
  const ctx = useServer({}, driver);
  const { api } = ctx;

  function expectClientError(response: JsonResponse, status: number, code: string, label: string) {
    expect(response.status, label).toBe(status);
    expect(response.headers.get('content-type'), label).toContain('application/json');
    expect(response.body.code, label).toBe(code);
    expect(typeof response.body.message, label).toBe('string');
    expect(JSON.stringify(response.body), label).not.toMatch(/node_modules|at .*\.js:\d+|select |insert /i);
  }

  const valid = holdBody(1, 24);
  // The base hour is at most an hour away: two hours before it is the past.
  const { start_date: pastStart, end_date: pastEnd } = slot(-2, 0.5);

  const invalidBodies: [label: string, body: unknown, field: string][] = [
    ['room_id as a string', { ...valid, room_id: '1' }, 'room_id'],
    ['room_id as a boolean', { ...valid, room_id: true }, 'room_id'],
    ['room_id null', { ...valid, room_id: null }, 'room_id'],
    ['room_id fractional', { ...valid, room_id: 1.5 }, 'room_id'],
    ['room_id negative', { ...valid, room_id: -1 }, 'room_id'],
    ['room_id huge', { ...valid, room_id: 1e300 }, 'room_id'],
    ['guest missing', { ...valid, guest: undefined }, 'guest'],
    ['guest a string', { ...valid, guest: 'Ada' }, 'guest'],
    ['blank guest name', { ...valid, guest: { name: '   ', email: 'a@example.com' } }, 'guest.name'],
    ['guest name too long', { ...valid, guest: { name: 'x'.repeat(201), email: 'a@example.com' } }, 'guest.name'],
    ['invalid email', { ...valid, guest: { name: 'Ada', email: 'not an email' } }, 'guest.email'],
    ['email too long', { ...valid, guest: { name: 'Ada', email: `${'a'.repeat(250)}@example.com` } }, 'guest.email'],
    ['start_date a number', { ...valid, start_date: 1_900_000_000_000 }, 'start_date'],
    ['30 February', { ...valid, start_date: '2031-02-30T10:00:00Z', end_date: '2031-03-01T10:00:00Z' }, 'start_date'],
    ['hour 25', { ...valid, start_date: '2031-01-01T25:00:00Z' }, 'start_date'],
    ['year 99999', { ...valid, end_date: '99999-01-01T00:00:00Z' }, 'end_date'],
    ['start in the past', { ...valid, start_date: pastStart, end_date: pastEnd }, 'start_date'],
    ['end before start', { ...valid, end_date: valid.start_date }, 'end_date'],
    ['longer than 24 hours', { ...valid, end_date: new Date(Date.parse(valid.start_date) + 86_400_001).toISOString() }, 'end_date'],
    ['a JSON array', [valid], 'room_id'],
    ['a JSON string', 'not-an-object-but-json', 'room_id'],
  ];

  /** Holds this file places on purpose; bad input must add none. */
  const placed = new Set<string>();

  /** Healthy, no booking but the ones placed on purpose, and no error in the log. */
  async function expectNothingChanged() {
    expect((await call(ctx.url, 'GET', '/healthz')).status).toBe(200);
    const listed = await api('GET', '/bookings', { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    expect(listed.body.bookings.filter((b: { id: string }) => !placed.has(b.id))).toEqual([]);
    expect(ctx.server.logs.some((line) => line.includes('"level":50'))).toBe(false);
  }

  describe('bad input gets a clear JSON 4xx and changes nothing', () => {
    // Every test here ends by checking that nothing changed, so none relies on running last.
    afterEach(expectNothingChanged);

    it.each(invalidBodies)('POST /bookings with %s: 400 naming the field', async (label, body, field) => {
      const raw = typeof body === 'string' ? JSON.stringify(body) : body;
      const response = await api('POST', '/bookings', { body: raw, headers: { 'content-type': 'application/json' } });
      expectClientError(response, 400, 'VALIDATION_ERROR', label);
      expect(response.body.issues.map((i: { path: string }) => i.path), label).toContain(field);
    });

    it('malformed JSON, prototype pollution and an empty body on POST are 400', async () => {
      const headers = { 'content-type': 'application/json' };
      for (const body of ['{bad', '{"room_id": 1,', '{"__proto__": {"admin": true}}', '']) {
        expectClientError(await api('POST', '/bookings', { body, headers }), 400, 'VALIDATION_ERROR', JSON.stringify(body));
      }
    });

    it('a megabyte string is 413 PAYLOAD_TOO_LARGE, and the client always reads that answer', async () => {
      const body = { ...valid, guest: { name: 'x'.repeat(1_000_000), email: 'a@example.com' } };
      // The server refuses on Content-Length, before the body arrives: one in twenty such
      // uploads used to end in a reset connection (EPIPE) instead of the answer.
      for (let attempt = 1; attempt <= 40; attempt++) {
        expectClientError(await api('POST', '/bookings', { body }), 413, 'PAYLOAD_TOO_LARGE', `megabyte name, attempt ${attempt}`);
      }
    });

    it('wrong content types are 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const response = await api('POST', '/bookings', { body: 'room_id=1', headers: { 'content-type': type } });
        expectClientError(response, 415, 'UNSUPPORTED_MEDIA_TYPE', type);
      }
    });

    it('absurd path and query parameters are 4xx', async () => {
      expectClientError(await api('GET', `/bookings/${'x'.repeat(5000)}`), 400, 'VALIDATION_ERROR', 'very long id');
      expectClientError(await api('GET', `/bookings/${'x'.repeat(80)}`), 400, 'VALIDATION_ERROR', 'over-long id');
      expectClientError(await api('GET', '/rooms/99999999999999999999'), 400, 'VALIDATION_ERROR', 'huge room id');
      expectClientError(await api('GET', '/rooms/-1'), 400, 'VALIDATION_ERROR', 'negative room id');
      const longDate = 'x'.repeat(1_000);
      expectClientError(await api('GET', `/availability?start_date=${longDate}&end_date=${longDate}`), 400, 'VALIDATION_ERROR', 'long query');
      const hugeDate = 'x'.repeat(20_000);
      expectClientError(await api('GET', `/availability?start_date=${hugeDate}`), 431, 'HEADERS_TOO_LARGE', 'huge query');
      expectClientError(await api('GET', '/bookings?limit=abc', { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } }), 400, 'VALIDATION_ERROR', 'limit');
      expectClientError(await api('GET', '/bookings?status=lost', { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } }), 400, 'VALIDATION_ERROR', 'status');
    });

    it('a method a served path does not answer is 405 with Allow, for every path of the OpenAPI document', async () => {
      const document = (await api('GET', '/openapi.json')).body;
      let refused = 0;
      for (const [template, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
        const path = template.replace(/\{[^}]+\}/g, '1');
        const served = Object.keys(item).map((method) => method.toUpperCase());
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !served.includes(m))) {
          const response = await api(method, path, method === 'GET' ? {} : { body: {}, headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
          expectClientError(response, 405, 'METHOD_NOT_ALLOWED', `${method} ${path}`);
          expect(response.headers.get('allow')?.split(', ').sort(), `${method} ${path}`).toEqual([...served].sort());
          refused++;
        }
      }
      expect(refused).toBeGreaterThan(20);
      expectClientError(await api('PATCH', '/bookings/', { body: {} }), 405, 'METHOD_NOT_ALLOWED', 'a trailing slash');
      expectClientError(await api('POST', '/nowhere', { body: {} }), 404, 'NOT_FOUND', 'POST /nowhere');
      expectClientError(await api('GET', '/bookings/1/nowhere'), 404, 'NOT_FOUND', 'GET /bookings/1/nowhere');
    });

    it('the valid body the bad ones were made from is taken: 201', async () => {
      const held = await api('POST', '/bookings', { body: valid });
      expect(held.status).toBe(201);
      placed.add(held.body.booking.id);
    });
  });
});
