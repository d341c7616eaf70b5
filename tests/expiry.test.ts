import { describe, expect, it } from 'vitest';
import { testDrivers } from '@escape-room/test-utils';
import { useServer } from './support/use-server.js';
import { fixedHours } from './support/http.js';

const { holdBody } = fixedHours();

// 0.02 minutes = 1.2 s: a real hold lapsing in a real server, driven only by configuration.
const HOLD_MINUTES = 0.02;

describe.each(testDrivers())('%s', (driver) => {
  const ctx = useServer({ BOOKING_HOLD_MINUTES: String(HOLD_MINUTES) }, driver);
  const { api } = ctx;

  /** Waits until the server's clock has passed `instant` (polling, not a fixed sleep). */
  async function waitUntilPast(instant: string): Promise<void> {
    while (Date.now() <= Date.parse(instant) + 5) await new Promise((resolve) => setTimeout(resolve, 25));
  }

  describe('a hold with a short BOOKING_HOLD_MINUTES', () => {
    it('expires on its own: reads expired, frees the slot, refuses confirm and release', async () => {
      const hold = (await api('POST', '/bookings', { body: holdBody(1, 24) })).body.booking;
      expect(Date.parse(hold.expires_at) - Date.parse(hold.created_at)).toBe(HOLD_MINUTES * 60_000);
      expect((await api('POST', '/bookings', { body: holdBody(1, 24, 'bob@example.com') })).status).toBe(409);

      await waitUntilPast(hold.expires_at);

      const read = (await api('GET', `/bookings/${hold.id}`)).body.booking;
      expect(read).toMatchObject({ status: 'expired', expires_at: null });
      for (const [method, path] of [['PUT', 'confirm'], ['DELETE', 'release']] as const) {
        const response = await api(method, `/bookings/${hold.id}/${path}`);
        expect(response.status).toBe(409);
        expect(response.body.code).toBe('HOLD_EXPIRED');
      }
      const range = holdBody(1, 24);
      const free = await api('GET', `/availability?start_date=${range.start_date}&end_date=${range.end_date}`);
      expect(free.body.rooms.map((r: { id: number }) => r.id)).toContain(1);
      expect((await api('POST', '/bookings', { body: holdBody(1, 24, 'bob@example.com') })).status).toBe(201);
    });
  });
});
