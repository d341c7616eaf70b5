import { describe, expect, expectTypeOf, it } from 'vitest';
import { createBookingClient, isBookingApiError, type BookingErrorCode, type Session } from '@escape-room/sdk';
import { testDrivers } from '@escape-room/test-utils';
import { fixedHours } from './support/http.js';
import { TEST_ADMIN_KEY } from './support/server.js';
import { useServer } from './support/use-server.js';

const { holdBody } = fixedHours();

/** The code and status a call was refused with; a call that succeeds fails the test. */
async function refusal(call: Promise<unknown>): Promise<{ code: BookingErrorCode; status: number }> {
  const error = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isBookingApiError(error)) throw new Error(`expected a BookingApiError, got ${String(error)}`);
  return { code: error.code, status: error.status };
}

/** The codes issue 11 added; each must reach an SDK caller as a typed BookingApiError. */
const SESSION_CODES = ['TOO_MANY_HOLDS', 'CANCELLATION_WINDOW_CLOSED', 'PARTY_SIZE_NOT_ALLOWED', 'NOT_A_SESSION', 'TOO_SOON', 'TOO_FAR_AHEAD'] as const;
expectTypeOf<(typeof SESSION_CODES)[number]>().toExtend<BookingErrorCode>();

// Far ahead of any clock these tests run on: 1 March 2031 is a Saturday, 8 March the next one.
const SATURDAY = '2031-03-01';
const NEXT_SATURDAY = '2031-03-08';
const SCHEDULE = {
  session_minutes: 60,
  weekly: { sat: { starts: ['10:00', '11:15', '12:30', '13:45'] } },
  exceptions: [{ date: NEXT_SATURDAY, closed: true as const }],
};

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
    const booking = await client.bookings.hold(holdBody(3, 24, 'retry@example.com'));
    expect(booking.status).toBe('pending');
    expect(sentKeys).toHaveLength(2);
    expect(sentKeys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sentKeys[1]).toBe(sentKeys[0]);
    const { bookings } = await client.admin.bookings.list({ room_id: 3 });
    expect(bookings.map((b) => b.id)).toEqual([booking.id]);
  });

  it('sends a fresh key per hold call, so two calls for one slot conflict as they should', async () => {
    const client = createBookingClient({ baseUrl: ctx.url });
    await client.bookings.hold(holdBody(4, 24, 'first@example.com'));
    const second = await client.bookings.hold(holdBody(4, 24, 'second@example.com')).catch((error: unknown) => error);
    expect(isBookingApiError(second) && second.code).toBe('SLOT_UNAVAILABLE');
  });

  it('extends a live hold', async () => {
    const client = createBookingClient({ baseUrl: ctx.url });
    const hold = await client.bookings.hold(holdBody(5, 24, 'extend@example.com'));
    const extended = await client.bookings.extend(hold.id);
    expect(Date.parse(extended.expires_at!)).toBeGreaterThanOrEqual(Date.parse(hold.expires_at!));
    await client.bookings.release(hold.id);
    const refused = await client.bookings.extend(hold.id).catch((error: unknown) => error);
    expect(isBookingApiError(refused) && refused.code).toBe('INVALID_STATE');
  });
});

describe.each(testDrivers())('the SDK with venue settings, schedules and sessions on %s', (driver) => {
  // A server of its own: these tests change the venue's policies.
  const own = useServer({}, driver);
  const admin = () => createBookingClient({ baseUrl: own.url, adminKey: TEST_ADMIN_KEY });
  const guest = (email: string) => ({ name: 'Grace Hopper', email });
  const slotOf = ({ room_id, start_date, end_date }: Session) => ({ room_id, start_date, end_date });

  it('reads the venue, and changes it as admin', async () => {
    const client = admin();
    expect(await client.venue()).toEqual({
      name: 'Escape rooms',
      timezone: 'UTC',
      currency: 'EUR',
      min_notice_minutes: 0,
      horizon_days: null,
      cancellation_cutoff_hours: 0,
    });
    const changed = await client.admin.venue.update({ name: 'Locked In Paris', timezone: 'europe/paris' });
    expect(changed).toMatchObject({ name: 'Locked In Paris', timezone: 'Europe/Paris', currency: 'EUR' });
    expect(await createBookingClient({ baseUrl: own.url }).venue()).toEqual(changed);
  });

  it('sets, reads and clears a schedule; lists its sessions in venue time, priced for the party', async () => {
    const client = admin();
    await client.admin.rooms.update(6, { price: 33.33, price_per: 'player', price_tiers: [{ min_players: 5, price: 25 }], min_players: 2, max_players: 6 });
    expect(await client.rooms.schedule(6)).toBeNull();
    expect(await client.admin.rooms.setSchedule(6, SCHEDULE)).toEqual(SCHEDULE);
    expect(await client.rooms.schedule(6)).toEqual(SCHEDULE);
    expect((await client.rooms.get(6)).scheduled).toBe(true);

    const page = await client.sessions({ date: SATURDAY, players: 3 });
    expect(page.timezone).toBe('Europe/Paris');
    expect(page.currency).toBe('EUR');
    expect(page.sessions.map((s) => s.local_start)).toEqual(['10:00', '11:15', '12:30', '13:45'].map((t) => `${SATURDAY}T${t}:00+01:00`));
    expect(page.sessions[0]).toMatchObject({
      room_id: 6,
      start_date: '2031-03-01T09:00:00.000Z',
      end_date: '2031-03-01T10:00:00.000Z',
      local_end: '2031-03-01T11:00:00+01:00',
      status: 'available',
      price: { players: 3, total: 99.99 },
    });
    expect((await client.sessions({ date: SATURDAY, room_id: 6, players: 5 })).sessions[0]?.price).toEqual({ players: 5, total: 125 });
    expect((await client.sessions({ date: SATURDAY, players: 7 })).sessions).toEqual([]);
    expect((await client.sessions({ date: NEXT_SATURDAY })).sessions).toEqual([]);
    expect((await client.sessions({ date: SATURDAY, days: 8 })).sessions).toHaveLength(4);

    await client.admin.rooms.clearSchedule(6);
    expect(await client.rooms.schedule(6)).toBeNull();
    expect((await client.sessions({ date: SATURDAY })).sessions).toEqual([]);
  });

  it('holds a session for a party at a locked price, swaps it with replaces, and finds it by reference', async () => {
    const client = admin();
    await client.admin.rooms.setSchedule(6, SCHEDULE);
    const [first, second, third] = (await client.sessions({ date: SATURDAY, players: 4 })).sessions;
    if (!first || !second || !third) throw new Error('the schedule has four sessions that Saturday');

    const hold = await client.bookings.hold({ ...slotOf(first), guest: guest('grace@example.com'), players: 4 });
    expect(hold).toMatchObject({ status: 'pending', players: 4, price: { total: 133.32, currency: 'EUR' }, local_start: first.local_start });
    expect(hold.reference).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    const held = (await client.sessions({ date: SATURDAY, players: 4 })).sessions[0];
    expect(held).toMatchObject({ status: 'held', held_until: hold.expires_at });

    // A later price change leaves the hold as it was.
    await client.admin.rooms.update(6, { price: 40 });
    const swapped = await client.bookings.hold({ ...slotOf(second), guest: guest('GRACE@example.com'), players: 4, replaces: hold.id });
    expect((await client.bookings.get(hold.id)).status).toBe('released');
    expect(swapped.price.total).toBe(160);
    const confirmed = await client.bookings.confirm(swapped.id);
    expect((await client.sessions({ date: SATURDAY })).sessions.map((s) => s.status)).toEqual(['available', 'booked', 'available', 'available']);

    const { bookings } = await client.admin.bookings.list({ reference: confirmed.reference.toLowerCase() });
    expect(bookings.map((b) => b.id)).toEqual([swapped.id]);
    expect(third.status).toBe('available');
  });

  it("refuses holds and cancels against the room's and the venue's rules, each with its own typed code", async () => {
    const client = admin();
    await client.admin.rooms.setSchedule(6, SCHEDULE);
    const sessions = (await client.sessions({ date: SATURDAY })).sessions.filter((s) => s.status === 'available');
    const [a, b, c] = sessions;
    if (!a || !b || !c) throw new Error('three sessions are still available');
    const seen: { code: BookingErrorCode; status: number }[] = [];

    seen.push(await refusal(client.bookings.hold({ ...slotOf(a), guest: guest('party@example.com'), players: 9 })));
    const offSession = { ...slotOf(a), start_date: '2031-03-01T09:30:00Z', end_date: '2031-03-01T10:30:00Z' };
    seen.push(await refusal(client.bookings.hold({ ...offSession, guest: guest('party@example.com') })));

    // Two live holds per guest by default; a third is refused until one is given back.
    const hoarder = guest('hoarder@example.com');
    await client.bookings.hold({ ...slotOf(a), guest: hoarder });
    await client.bookings.hold({ ...slotOf(b), guest: hoarder });
    seen.push(await refusal(client.bookings.hold({ ...slotOf(c), guest: hoarder })));

    await client.admin.venue.update({ horizon_days: 30 });
    seen.push(await refusal(client.bookings.hold({ ...slotOf(c), guest: guest('early@example.com') })));
    await client.admin.venue.update({ horizon_days: null, min_notice_minutes: 7 * 24 * 60 });
    seen.push(await refusal(client.bookings.hold({ ...holdBody(3, 24), guest: guest('late@example.com') })));
    await client.admin.venue.update({ min_notice_minutes: 0, cancellation_cutoff_hours: 7 * 24 });
    const soon = await client.bookings.confirm((await client.bookings.hold({ ...holdBody(3, 24), guest: guest('late@example.com') })).id);
    seen.push(await refusal(client.bookings.cancel(soon.id)));
    expect((await client.admin.bookings.cancel(soon.id)).status).toBe('cancelled'); // the venue still can

    expect(seen).toEqual([
      { code: 'PARTY_SIZE_NOT_ALLOWED', status: 422 },
      { code: 'NOT_A_SESSION', status: 422 },
      { code: 'TOO_MANY_HOLDS', status: 409 },
      { code: 'TOO_FAR_AHEAD', status: 422 },
      { code: 'TOO_SOON', status: 422 },
      { code: 'CANCELLATION_WINDOW_CLOSED', status: 409 },
    ]);
    expect(new Set(seen.map((refused) => refused.code))).toEqual(new Set(SESSION_CODES));
  });
});
