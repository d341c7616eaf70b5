import { describe, expect, it } from 'vitest';
import { createBookingClient, isBookingApiError } from '@escape-room/sdk';
import { testDrivers } from '@escape-room/test-utils';
import { fixedHours } from './support/http.js';
import { TEST_ADMIN_KEY } from './support/server.js';
import { useServer } from './support/use-server.js';

const { holdBody } = fixedHours();

describe.each(testDrivers())('the SDK against a live server on %s', (driver) => {
  const ctx = useServer({}, driver);

  it('retries a hold whose answer was lost with the same key, and gets its own hold back', async () => {
    const sentKeys: (string | null)[] = [];
    let lost = 0;
    // The request reaches the server and is processed, but the first answer never arrives.
    const flakyFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if ((input instanceof Request ? input.url : input.toString()).includes('bookings.hold')) {
        sentKeys.push(new Headers(init?.headers).get('idempotency-key'));
        if (lost++ === 0) throw new TypeError('fetch failed: socket hang up');
      }
      return response;
    };
    const client = createBookingClient({ baseUrl: ctx.url, fetch: flakyFetch, adminKey: TEST_ADMIN_KEY });
    const booking = await client.bookings.hold(holdBody(3, 24));
    expect(booking.status).toBe('pending');
    expect(sentKeys).toHaveLength(2);
    expect(sentKeys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sentKeys[1]).toBe(sentKeys[0]);
    const { bookings } = await client.admin.bookings.list({ room_id: 3 });
    expect(bookings.map((b) => b.id)).toEqual([booking.id]);
  });

  it('sends a fresh key per hold call, so two calls for one slot conflict as they should', async () => {
    const client = createBookingClient({ baseUrl: ctx.url });
    await client.bookings.hold(holdBody(4, 24));
    const second = await client.bookings.hold(holdBody(4, 24)).catch((error: unknown) => error);
    expect(isBookingApiError(second) && second.code).toBe('SLOT_UNAVAILABLE');
  });

  it('extends a live hold', async () => {
    const client = createBookingClient({ baseUrl: ctx.url });
    const hold = await client.bookings.hold(holdBody(5, 24));
    const extended = await client.bookings.extend(hold.id);
    expect(Date.parse(extended.expires_at!)).toBeGreaterThanOrEqual(Date.parse(hold.expires_at!));
    await client.bookings.release(hold.id);
    const refused = await client.bookings.extend(hold.id).catch((error: unknown) => error);
    expect(isBookingApiError(refused) && refused.code).toBe('INVALID_STATE');
  });
});
