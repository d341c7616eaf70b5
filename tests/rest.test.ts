import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testDrivers } from '@escape-room/test-utils';
import { useServer } from './support/use-server.js';
import { call, fixedHours } from './support/http.js';
import { TEST_ADMIN_KEY } from './support/server.js';

const { holdBody, slot } = fixedHours();

const run = promisify(execFile);
/** Room 1 as data/rooms.json seeds it: the original contract's flat-priced, free-range room. */
const ROOM_1 = {
  id: 1,
  name: 'Room 1',
  description: 'Escape room 1',
  price: 10,
  price_per: 'booking',
  price_tiers: [],
  min_players: 1,
  max_players: null,
  buffer_minutes: 0,
  scheduled: false,
};
describe.each(testDrivers())('%s', (driver) => {
  // These tests hold many slots as one guest; the per-guest cap has tests of its own (sessions.test.ts).
  const ctx = useServer({ MAX_LIVE_HOLDS_PER_GUEST: '1000' }, driver);
  const { api } = ctx;
  const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

  describe('rooms', () => {
    it('GET /rooms lists the ten rooms of data/rooms.json', async () => {
      const { status, body } = await api('GET', '/rooms');
      expect(status).toBe(200);
      expect(body.rooms).toHaveLength(10);
      expect(body.rooms[0]).toEqual(ROOM_1);
      expect(body.rooms[1].price).toBe(12.5);
    });

    it('GET /rooms/{id} returns one room or 404 ROOM_NOT_FOUND', async () => {
      expect((await api('GET', '/rooms/3')).body.room.name).toBe('Room 3');
      const missing = await api('GET', '/rooms/999');
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('ROOM_NOT_FOUND');
      expect((await api('GET', '/rooms/abc')).body.code).toBe('VALIDATION_ERROR');
    });
  });

  describe('the booking lifecycle over REST', () => {
    it('holds (201), reads, confirms with a body-less PUT, and cancels', async () => {
      const created = await api('POST', '/bookings', { body: holdBody(1, 48) });
      expect(created.status).toBe(201);
      const booking = created.body.booking;
      expect(booking).toMatchObject({ room_id: 1, status: 'pending', guest: { name: 'Ada Lovelace', email: 'ada@example.com' } });
      expect(booking.room).toEqual(ROOM_1);
      expect(booking).toMatchObject({ players: 1, price: { total: 10, currency: 'EUR' }, cancellable_until: booking.start_date });
      expect(booking.reference).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
      expect(booking.local_start).toBe(booking.start_date.replace('.000Z', '+00:00'));
      expect(booking.id).toMatch(/^bk_[\w-]{22}$/);
      for (const key of ['start_date', 'end_date', 'created_at', 'expires_at']) expect(booking[key]).toMatch(/Z$/);
      const heldFor = Date.parse(booking.expires_at) - Date.parse(booking.created_at);
      expect(heldFor).toBe(5 * 60_000);

      expect((await api('GET', `/bookings/${booking.id}`)).body.booking).toEqual(booking);

      // The real `curl -X PUT URL`: no body, no Content-Type, no Content-Length.
      const { stdout } = await run('curl', ['-s', '-X', 'PUT', '-w', '\n%{http_code}', `${ctx.url}/api/v1/bookings/${booking.id}/confirm`]);
      const [confirmedBody, confirmedStatus] = stdout.split('\n');
      expect(confirmedStatus).toBe('200');
      expect(JSON.parse(confirmedBody!).booking).toMatchObject({ status: 'confirmed', expires_at: null });

      const again = await api('PUT', `/bookings/${booking.id}/confirm`, { body: {} });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('INVALID_STATE');

      const cancelled = await api('DELETE', `/bookings/${booking.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.booking.status).toBe('cancelled');
      expect((await api('DELETE', `/bookings/${booking.id}/cancel`)).body.code).toBe('INVALID_STATE');
    });

    it('confirms with `{}` and with an empty JSON body too', async () => {
      const first = (await api('POST', '/bookings', { body: holdBody(2, 48) })).body.booking;
      expect((await api('PUT', `/bookings/${first.id}/confirm`, { body: {} })).status).toBe(200);
      const second = (await api('POST', '/bookings', { body: holdBody(2, 50) })).body.booking;
      const emptyJson = await api('PUT', `/bookings/${second.id}/confirm`, { headers: { 'content-type': 'application/json' } });
      expect(emptyJson.status).toBe(200);
    });

    it('releases a hold and frees the slot at once', async () => {
      const hold = (await api('POST', '/bookings', { body: holdBody(3, 48) })).body.booking;
      const taken = await api('POST', '/bookings', { body: holdBody(3, 48, 'bob@example.com') });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('SLOT_UNAVAILABLE');

      const released = await api('DELETE', `/bookings/${hold.id}/release`);
      expect(released.status).toBe(200);
      expect(released.body.booking.status).toBe('released');
      expect((await api('POST', '/bookings', { body: holdBody(3, 48, 'bob@example.com') })).status).toBe(201);
      expect((await api('DELETE', `/bookings/${hold.id}/release`)).body.code).toBe('INVALID_STATE');
    });

    it('answers 404 BOOKING_NOT_FOUND for unknown ids on every booking operation', async () => {
      const id = 'bk_AAAAAAAAAAAAAAAAAAAAAA';
      for (const [method, path] of [
        ['GET', `/bookings/${id}`],
        ['PUT', `/bookings/${id}/confirm`],
        ['DELETE', `/bookings/${id}/release`],
        ['DELETE', `/bookings/${id}/cancel`],
      ] as const) {
        const response = await api(method, path);
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.body.code).toBe('BOOKING_NOT_FOUND');
      }
    });

    it('answers 404 ROOM_NOT_FOUND when holding an unknown room', async () => {
      const response = await api('POST', '/bookings', { body: holdBody(999, 48) });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('ROOM_NOT_FOUND');
    });
  });

  describe('availability', () => {
    it('lists rooms without a confirmed booking or live hold in the range', async () => {
      const range = slot(72, 2);
      const hold = (await api('POST', '/bookings', { body: { ...holdBody(4, 0), ...slot(72) } })).body.booking;
      await api('PUT', `/bookings/${(await api('POST', '/bookings', { body: { ...holdBody(5, 0), ...slot(73) } })).body.booking.id}/confirm`);
      const query = `?start_date=${range.start_date}&end_date=${range.end_date}`;
      const free = (await api('GET', `/availability${query}`)).body.rooms.map((r: { id: number }) => r.id);
      expect(free).not.toContain(4);
      expect(free).not.toContain(5);
      expect(free).toContain(6);

      await api('DELETE', `/bookings/${hold.id}/release`);
      const after = (await api('GET', `/availability${query}`)).body.rooms.map((r: { id: number }) => r.id);
      expect(after).toContain(4);
    });

    it('treats back-to-back ranges as free (half-open intervals)', async () => {
      await api('POST', '/bookings', { body: { ...holdBody(6, 0), ...slot(80) } });
      const next = slot(81);
      const free = (await api('GET', `/availability?start_date=${next.start_date}&end_date=${next.end_date}`)).body.rooms;
      expect(free.map((r: { id: number }) => r.id)).toContain(6);
    });

    it('normalises offsets and rejects bad ranges with 400 VALIDATION_ERROR naming the field', async () => {
      const ok = await api('GET', '/availability?start_date=2030-01-01T10:00:00%2B02:00&end_date=2030-01-01T12:00:00');
      expect(ok.status).toBe(200);
      for (const query of [
        '',
        '?start_date=2030-01-01T10:00:00Z',
        '?start_date=nonsense&end_date=2030-01-01T12:00:00Z',
        '?start_date=2030-01-01T12:00:00Z&end_date=2030-01-01T10:00:00Z',
        '?start_date=2030-02-30T10:00:00Z&end_date=2030-03-01T10:00:00Z',
      ]) {
        const response = await api('GET', `/availability${query}`);
        expect(response.status, query).toBe(400);
        expect(response.body.code).toBe('VALIDATION_ERROR');
        expect(response.body.issues.length).toBeGreaterThan(0);
      }
    });
  });

  describe('admin listing', () => {
    it('needs the admin key', async () => {
      const anonymous = await api('GET', '/bookings');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('UNAUTHORIZED');
      const wrong = await api('GET', '/bookings', { headers: { authorization: 'Bearer not-the-key' } });
      expect(wrong.status).toBe(401);
    });

    it('filters by status and room and pages with next_cursor', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await api('POST', '/bookings', { body: holdBody(7, 100 + i) })).body.booking.id);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query = `?room_id=7&status=pending&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await api('GET', `/bookings${query}`, { headers: admin });
        expect(page.status).toBe(200);
        expect(page.body.bookings.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.bookings.map((b: { id: string }) => b.id));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(ids);

      const tooMany = await api('GET', '/bookings?limit=101', { headers: admin });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.issues[0].path).toBe('limit');
    });
  });

  describe('the API surface', () => {
    it('serves an OpenAPI 3.1 document describing every operation and the error body', async () => {
      const { status, body } = await api('GET', '/openapi.json');
      expect(status).toBe(200);
      expect(body.openapi).toBe('3.1.0');
      expect(Object.keys(body.paths).sort()).toEqual([
        '/admin/bookings/{booking_id}',
        '/admin/events',
        '/admin/keys',
        '/admin/keys/{key_id}',
        '/admin/rooms',
        '/admin/rooms/{room_id}',
        '/admin/rooms/{room_id}/schedule',
        '/admin/venue',
        '/admin/webhooks',
        '/admin/webhooks/{webhook_id}',
        '/admin/webhooks/{webhook_id}/deliveries',
        '/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/retry',
        '/admin/webhooks/{webhook_id}/rotate-secret',
        '/availability',
        '/bookings',
        '/bookings/{booking_id}',
        '/bookings/{booking_id}/calendar.ics',
        '/bookings/{booking_id}/cancel',
        '/bookings/{booking_id}/confirm',
        '/bookings/{booking_id}/events',
        '/bookings/{booking_id}/extend',
        '/bookings/{booking_id}/release',
        '/rooms',
        '/rooms/{room_id}',
        '/rooms/{room_id}/schedule',
        '/sessions',
        '/venue',
      ]);
      expect(body.paths['/bookings'].post.responses['201']).toBeDefined();
      expect(body.paths['/bookings'].post.responses['409'].description).toContain('SLOT_UNAVAILABLE');
      expect(body.paths['/bookings'].post.parameters.map((p: { name: string }) => p.name)).toContain('idempotency-key');
      expect(body.paths['/bookings'].get.security).toBeDefined();
      expect(body.components.schemas.Error.properties.code.enum).toContain('HOLD_EXPIRED');
    });

    it('answers unknown paths with a JSON 404 NOT_FOUND', async () => {
      for (const path of ['/api/v1/nothing', '/nothing', '/api/v2/rooms']) {
        const response = await call(ctx.url, 'GET', path);
        expect(response.status, path).toBe(404);
        expect(response.body.code).toBe('NOT_FOUND');
      }
    });

    it('reports health with database reachability', async () => {
      const { status, body } = await call(ctx.url, 'GET', '/healthz');
      expect(status).toBe(200);
      expect(body).toEqual({ status: 'ok', database: 'reachable' });
    });

    it('serves the API reference page and its assets locally', async () => {
      const page = await call(ctx.url, 'GET', '/docs');
      expect(page.status).toBe(200);
      expect(page.body).toContain('/docs/assets/swagger-ui-bundle.js');
      const bundle = await fetch(`${ctx.url}/docs/assets/swagger-ui-bundle.js`);
      expect(bundle.status).toBe(200);
      expect((await bundle.text()).length).toBeGreaterThan(100_000);
    });
  });
});
