import { describe, expect, it } from 'vitest';
import { testDrivers } from '@escape-room/booking-core/testing';
import { useServer } from './support/use-server.js';
import { TEST_ADMIN_KEY } from './support/server.js';
import { call, fixedHours } from './support/http.js';

const { holdBody } = fixedHours();

describe.each(testDrivers())('%s', (driver) => {
  const ctx = useServer({}, driver);
  const { api } = ctx;

  describe('races on one slot', () => {
    it('50 parallel holds for one slot give exactly one 201 and 49 409s', async () => {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => api('POST', '/bookings', { body: holdBody(1, 24, `guest${i}@example.com`) })),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(49);
      expect(responses.filter((r) => r.status === 409).every((r) => r.body.code === 'SLOT_UNAVAILABLE')).toBe(true);

      const listed = await api('GET', '/bookings?room_id=1', { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
      expect(listed.body.bookings).toHaveLength(1);
    });

    it('a parallel confirm and release of one hold: one succeeds, the final state matches it', async () => {
      for (let round = 0; round < 10; round++) {
        const hold = (await api('POST', '/bookings', { body: holdBody(2, 24 + round) })).body.booking;
        const [confirm, release] = await Promise.all([
          api('PUT', `/bookings/${hold.id}/confirm`),
          api('DELETE', `/bookings/${hold.id}/release`),
        ]);
        const winners = [confirm, release].filter((r) => r.status === 200);
        const losers = [confirm, release].filter((r) => r.status !== 200);
        expect(winners).toHaveLength(1);
        expect(losers[0]!.status).toBe(409);
        expect(losers[0]!.body.code).toBe('INVALID_STATE');
        const final = (await api('GET', `/bookings/${hold.id}`)).body.booking.status;
        expect(final).toBe(winners[0]!.body.booking.status);
      }
    });
  });
});
