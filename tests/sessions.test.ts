import { describe, expect, it } from 'vitest';
import { testDrivers } from '@escape-room/test-utils';
import { useServer } from './support/use-server.js';
import { TEST_ADMIN_KEY } from './support/server.js';

// Sessions over REST against the real server: the venue, a room's terms and schedule, the
// sessions grid, and a hold of a session for a party. Every answer is checked against the
// OpenAPI document by the support code. The server runs on the system clock, so every date here
// is years ahead; 2030-03-31 is the day Paris springs forward.

const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const DATE = '2030-03-31';

describe.each(testDrivers())('sessions over REST on %s', (driver) => {
  const { api } = useServer({}, driver);

  it('GET /venue answers the seeded settings; PATCH /admin/venue changes them, for admins only', async () => {
    const seeded = await api('GET', '/venue');
    expect(seeded.status).toBe(200);
    expect(seeded.body.venue).toEqual({
      name: 'Escape rooms',
      timezone: 'UTC',
      currency: 'EUR',
      min_notice_minutes: 0,
      horizon_days: null,
      cancellation_cutoff_hours: 0,
    });

    const anonymous = await api('PATCH', '/admin/venue', { body: { timezone: 'Europe/Paris' } });
    expect(anonymous.status).toBe(401);
    const badZone = await api('PATCH', '/admin/venue', { headers: admin, body: { timezone: '+02:00' } });
    expect(badZone.status).toBe(400);
    expect(badZone.body).toMatchObject({ code: 'VALIDATION_ERROR', issues: [{ path: 'timezone' }] });

    const changed = await api('PATCH', '/admin/venue', { headers: admin, body: { timezone: 'europe/paris', cancellation_cutoff_hours: 24 } });
    expect(changed.status).toBe(200);
    expect(changed.body.venue).toMatchObject({ timezone: 'Europe/Paris', currency: 'EUR', cancellation_cutoff_hours: 24, horizon_days: null });
    expect((await api('GET', '/venue')).body.venue).toEqual(changed.body.venue);
  });

  it('PUT, GET and DELETE a schedule; an overlapping one is a 400 naming the day', async () => {
    const room = await api('PATCH', '/admin/rooms/3', { headers: admin, body: { buffer_minutes: 15 } });
    expect(room.status).toBe(200);
    expect((await api('GET', '/rooms/3/schedule')).body).toEqual({ schedule: null });

    const overlapping = await api('PUT', '/admin/rooms/3/schedule', {
      headers: admin,
      body: { session_minutes: 60, weekly: { mon: { starts: ['10:00', '11:00'] } } },
    });
    expect(overlapping.status).toBe(400);
    expect(overlapping.body.code).toBe('VALIDATION_ERROR');
    // The body is the schedule itself: the issue's path is the day's.
    expect(overlapping.body.issues.map((i: { path: string }) => i.path)).toEqual(['weekly.mon']);

    const schedule = { session_minutes: 60, weekly: { mon: { starts: ['10:00', '11:15'] } }, exceptions: [{ date: '2030-12-30', closed: true }] };
    const put = await api('PUT', '/admin/rooms/3/schedule', { headers: admin, body: schedule });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ schedule });
    expect((await api('GET', '/rooms/3/schedule')).body).toEqual({ schedule });
    expect((await api('GET', '/rooms/3')).body.room.scheduled).toBe(true);
    expect((await api('PUT', '/admin/rooms/3/schedule', { body: schedule })).status).toBe(401);
    expect((await api('PUT', '/admin/rooms/999/schedule', { headers: admin, body: schedule })).status).toBe(404);

    // A longer reset would run the two Monday games into each other.
    const buffer = await api('PATCH', '/admin/rooms/3', { headers: admin, body: { buffer_minutes: 16 } });
    expect(buffer.status).toBe(400);
    expect(buffer.body.issues.map((i: { path: string }) => i.path)).toEqual(['buffer_minutes']);
    expect(buffer.body.message).toMatch(/^On mon, /);

    const cleared = await api('DELETE', '/admin/rooms/3/schedule', { headers: admin });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ schedule: null });
    expect((await api('GET', '/rooms/3/schedule')).body).toEqual({ schedule: null });
    expect((await api('GET', '/rooms/3')).body.room.scheduled).toBe(false);
  });

  it('lists sessions in venue time with prices for the party, and holds and confirms one for that party', async () => {
    expect((await api('PATCH', '/admin/venue', { headers: admin, body: { timezone: 'Europe/Paris' } })).status).toBe(200);
    const terms = { price: 33.33, price_per: 'player', min_players: 2, max_players: 6, price_tiers: [{ min_players: 5, price: 30 }], buffer_minutes: 15 };
    expect((await api('PATCH', '/admin/rooms/2', { headers: admin, body: terms })).body.room).toMatchObject({ ...terms, scheduled: false });
    const schedule = { session_minutes: 60, weekly: { sun: { open: '09:00', close: '13:00' } } };
    expect((await api('PUT', '/admin/rooms/2/schedule', { headers: admin, body: schedule })).status).toBe(200);

    const page = await api('GET', `/sessions?date=${DATE}&room_id=2&players=3`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ timezone: 'Europe/Paris', currency: 'EUR' });
    expect(page.body.sessions).toEqual([
      {
        room_id: 2,
        start_date: '2030-03-31T07:00:00.000Z',
        end_date: '2030-03-31T08:00:00.000Z',
        local_start: '2030-03-31T09:00:00+02:00',
        local_end: '2030-03-31T10:00:00+02:00',
        status: 'available',
        bookable_until: '2030-03-31T07:00:00.000Z',
        price: { players: 3, total: 99.99 },
      },
      expect.objectContaining({ start_date: '2030-03-31T08:15:00.000Z', local_start: '2030-03-31T10:15:00+02:00' }),
      expect.objectContaining({ start_date: '2030-03-31T09:30:00.000Z', local_start: '2030-03-31T11:30:00+02:00' }),
    ]);
    const quoted = await api('GET', `/sessions?date=${DATE}&room_id=2`);
    expect(quoted.body.sessions[0].price).toEqual({ players: 2, total: 66.66 });
    expect((await api('GET', `/sessions?date=${DATE}&players=7`)).body.sessions).toEqual([]);

    const session = page.body.sessions[1];
    const guest = { name: 'Ada Lovelace', email: 'ada.sessions@example.com' };
    const body = { room_id: 2, guest, start_date: session.start_date, end_date: session.end_date };
    const tooMany = await api('POST', '/bookings', { body: { ...body, players: 7 } });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.code).toBe('PARTY_SIZE_NOT_ALLOWED');
    const offGrid = await api('POST', '/bookings', { body: { ...body, start_date: '2030-03-31T08:20:00Z', end_date: '2030-03-31T09:20:00Z', players: 3 } });
    expect(offGrid.status).toBe(422);
    expect(offGrid.body.code).toBe('NOT_A_SESSION');

    const held = await api('POST', '/bookings', { body: { ...body, players: 3 } });
    expect(held.status).toBe(201);
    const booking = held.body.booking;
    expect(booking).toMatchObject({
      status: 'pending',
      players: 3,
      price: { total: 99.99, currency: 'EUR' },
      local_start: '2030-03-31T10:15:00+02:00',
      local_end: '2030-03-31T11:15:00+02:00',
      cancellable_until: '2030-03-30T08:15:00.000Z',
    });
    expect(booking.reference).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
    expect((await api('GET', `/sessions?date=${DATE}&room_id=2`)).body.sessions[1]).toMatchObject({ status: 'held', held_until: booking.expires_at });

    const confirmed = await api('PUT', `/bookings/${booking.id}/confirm`, { body: {} });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.booking).toMatchObject({ status: 'confirmed', price: { total: 99.99, currency: 'EUR' } });
    expect((await api('GET', `/sessions?date=${DATE}&room_id=2`)).body.sessions.map((s: { status: string }) => s.status)).toEqual([
      'available',
      'booked',
      'available',
    ]);

    // A later price change leaves the booking's total as it was held.
    await api('PATCH', '/admin/rooms/2', { headers: admin, body: { price: 50 } });
    expect((await api('GET', `/bookings/${booking.id}`)).body.booking.price).toEqual({ total: 99.99, currency: 'EUR' });

    const byReference = await api('GET', `/bookings?reference=${booking.reference.toLowerCase()}`, { headers: admin });
    expect(byReference.status).toBe(200);
    expect(byReference.body.bookings.map((b: { id: string }) => b.id)).toEqual([booking.id]);

    // Clearing the schedule takes the room out of the grid; the booking stays.
    await api('DELETE', '/admin/rooms/2/schedule', { headers: admin });
    expect((await api('GET', `/sessions?date=${DATE}&room_id=2`)).body.sessions).toEqual([]);
    expect((await api('GET', `/bookings/${booking.id}`)).body.booking.status).toBe('confirmed');
  });

  it('refuses a malformed sessions query', async () => {
    for (const query of ['', '?date=2030-02-30', `?date=${DATE}&days=0`, `?date=${DATE}&days=32`, `?date=${DATE}&players=0`, `?date=${DATE}&room_id=abc`]) {
      const response = await api('GET', `/sessions${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.code).toBe('VALIDATION_ERROR');
    }
    expect((await api('GET', `/sessions?date=${DATE}&room_id=999`)).status).toBe(404);
  });
});
