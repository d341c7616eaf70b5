import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { createBookingClient, isBookingApiError, verifyWebhook, type BookingErrorCode, type EventType, type Session } from '@escape-room/sdk';
import { testDrivers } from '@escape-room/test-utils';
import { fixedHours } from './support/http.js';
import { startReceiver, type Receiver } from '@escape-room/test-utils/receiver';
import { TEST_ADMIN_KEY } from './support/server.js';
import { useServer } from './support/use-server.js';
import { until } from './support/wait.js';

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
expectTypeOf<'WEBHOOK_NOT_FOUND' | 'DELIVERY_NOT_FOUND' | 'WEBHOOK_URL_REFUSED'>().toExtend<BookingErrorCode>();

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

  it('refuses webhook endpoints over http or on a private address, as the server is configured by default', async () => {
    const client = createBookingClient({ baseUrl: ctx.url, adminKey: TEST_ADMIN_KEY });
    for (const url of ['http://hooks.example.com/escape-room', 'https://127.0.0.1/hooks', 'https://[::ffff:169.254.169.254]/latest']) {
      expect(await refusal(client.admin.webhooks.create({ url, events: ['booking.held'] })), url).toEqual({ code: 'WEBHOOK_URL_REFUSED', status: 422 });
    }
    expect(await client.admin.webhooks.list()).toEqual([]);
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

describe.each(testDrivers())('the SDK with events and webhooks on %s', (driver) => {
  // A server of its own that may deliver to a receiver on loopback over http. It retries a failed
  // delivery only after an hour, so within a test every request a receiver gets was caused by the test.
  const own = useServer({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_SCHEDULE: '3600' }, driver);
  const admin = () => createBookingClient({ baseUrl: own.url, adminKey: TEST_ADMIN_KEY });
  const noContent = () => ({ status: 204 });
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver(noContent);
  });
  afterEach(async () => {
    await receiver.close();
  });

  /** The (first) delivery of a booking's event of one type, and its event as `verifyWebhook` reads it with this secret. */
  async function delivered(secret: string, bookingId: string, type: EventType) {
    const request = await receiver.next(`${type} of ${bookingId}`, ({ json }) => json?.type === type && json.data?.booking?.id === bookingId);
    return { request, event: verifyWebhook(request.rawBody, request.headers, secret) };
  }

  it("delivers a booking's events in order, each verifiable with the secret create returned, and logs the deliveries", async () => {
    const client = admin();
    const { webhook, secret } = await client.admin.webhooks.create({ url: receiver.url, events: ['booking.confirmed', 'booking.held'], description: 'Front desk' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhook).toMatchObject({
      url: receiver.url,
      events: ['booking.held', 'booking.confirmed'],
      enabled: true,
      disabled_reason: null,
      description: 'Front desk',
      previous_secret_expires_at: null,
    });
    expect(webhook.id).toMatch(/^wh_/);

    const hold = await client.bookings.hold(holdBody(1, 30, 'hooks@example.com'));
    await client.bookings.confirm(hold.id);
    const held = await delivered(secret, hold.id, 'booking.held');
    const confirmed = await delivered(secret, hold.id, 'booking.confirmed');

    expect(held.request).toMatchObject({ method: 'POST', path: '/hook', webhookId: held.event.id });
    expect(held.request.headers['content-type']).toBe('application/json');
    expect(confirmed.request.index).toBeGreaterThan(held.request.index);
    expect(held.event).toMatchObject({ type: 'booking.held', actor: { type: 'guest' }, data: { previous_status: null, booking: { id: hold.id, status: 'pending' } } });
    if (confirmed.event.type !== 'booking.confirmed') throw new Error(`expected booking.confirmed second, got ${confirmed.event.type}`);
    expect(confirmed.event.data.previous_status).toBe('pending');
    expect(confirmed.event.data.booking).toMatchObject({ id: hold.id, status: 'confirmed', reference: hold.reference });
    expect(await client.bookings.events(hold.id)).toEqual([held.event, confirmed.event]);

    await until('both deliveries are logged as succeeded', async () => (await client.admin.webhooks.deliveries(webhook.id, { status: 'succeeded' })).deliveries.length === 2);
    const log = await client.admin.webhooks.deliveries(webhook.id);
    expect(log.next_cursor).toBeNull();
    expect(log.deliveries.map((d) => [d.event_id, d.event_type, d.booking_id, d.status, d.next_attempt_at])).toEqual([
      [confirmed.event.id, 'booking.confirmed', hold.id, 'succeeded', null],
      [held.event.id, 'booking.held', hold.id, 'succeeded', null],
    ]);
    for (const delivery of log.deliveries) expect(delivery.attempts).toMatchObject([{ status_code: 204, error: null, response_body: null }]);
    const older = await client.admin.webhooks.deliveries(webhook.id, { limit: 1, cursor: (await client.admin.webhooks.deliveries(webhook.id, { limit: 1 })).next_cursor ?? '' });
    expect(older.deliveries.map((d) => d.event_id)).toEqual([held.event.id]);

    expect(await client.admin.webhooks.remove(webhook.id)).toMatchObject({ id: webhook.id, url: receiver.url });
  });

  it('lists, reads, changes and removes endpoints, never showing a secret again', async () => {
    const client = admin();
    const { webhook } = await client.admin.webhooks.create({ url: receiver.url, events: ['booking.cancelled'] });
    expect(webhook.description).toBe('');
    const listed = (await client.admin.webhooks.list()).find((w) => w.id === webhook.id);
    expect(listed).toEqual(webhook);
    expect(JSON.stringify(await client.admin.webhooks.list())).not.toContain('whsec_');
    expect(await client.admin.webhooks.get(webhook.id)).toEqual(webhook);

    const changed = await client.admin.webhooks.update(webhook.id, { events: ['booking.cancelled', 'booking.expired'], description: 'Refunds' });
    expect(changed).toMatchObject({ events: ['booking.expired', 'booking.cancelled'], description: 'Refunds', enabled: true });
    expect(await client.admin.webhooks.update(webhook.id, { enabled: false })).toMatchObject({ enabled: false, disabled_reason: 'admin' });
    expect(await client.admin.webhooks.update(webhook.id, { enabled: true })).toMatchObject({ enabled: true, disabled_reason: null });
    expect(await refusal(client.admin.webhooks.update(webhook.id, {}))).toEqual({ code: 'VALIDATION_ERROR', status: 400 });
    expect(await refusal(client.admin.webhooks.update(webhook.id, { url: 'ftp://hooks.example.com/' }))).toEqual({ code: 'VALIDATION_ERROR', status: 400 });

    expect((await client.admin.webhooks.remove(webhook.id)).description).toBe('Refunds');
    expect(await refusal(client.admin.webhooks.get(webhook.id))).toEqual({ code: 'WEBHOOK_NOT_FOUND', status: 404 });
    expect(await refusal(client.admin.webhooks.remove(webhook.id))).toEqual({ code: 'WEBHOOK_NOT_FOUND', status: 404 });
    expect(await refusal(client.admin.webhooks.deliveries(webhook.id))).toEqual({ code: 'WEBHOOK_NOT_FOUND', status: 404 });
    expect((await client.admin.webhooks.list()).map((w) => w.id)).not.toContain(webhook.id);
    expect(await refusal(createBookingClient({ baseUrl: own.url }).admin.webhooks.list())).toEqual({ code: 'UNAUTHORIZED', status: 401 });
  });

  it('signs with the new and the previous secret for a day after a rotation, so either verifies', async () => {
    const client = admin();
    const { webhook, secret: previous } = await client.admin.webhooks.create({ url: receiver.url, events: ['booking.held'] });
    const rotatedAt = Date.now();
    const { webhook: rotated, secret } = await client.admin.webhooks.rotateSecret(webhook.id);
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(previous);
    const overlap = Date.parse(rotated.previous_secret_expires_at ?? '') - rotatedAt;
    expect(overlap).toBeGreaterThan(24 * 3_600_000 - 60_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3_600_000 + 60_000);

    const hold = await client.bookings.hold(holdBody(2, 30, 'rotation@example.com'));
    const { request, event } = await delivered(secret, hold.id, 'booking.held');
    expect(request.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verifyWebhook(request.rawBody, request.headers, previous)).toEqual(event);
    await client.admin.webhooks.remove(webhook.id);
  });

  it('logs a failed attempt with the answer, and sends the same event again on retryDelivery', async () => {
    const client = admin();
    receiver.answer(() => ({ status: 500, body: 'not now' }));
    const { webhook, secret } = await client.admin.webhooks.create({ url: receiver.url, events: ['booking.held'] });
    const hold = await client.bookings.hold(holdBody(3, 30, 'retry-hook@example.com'));
    const failed = await delivered(secret, hold.id, 'booking.held');
    receiver.answer(noContent);

    await until('the failed attempt is logged', async () => (await client.admin.webhooks.deliveries(webhook.id)).deliveries[0]?.attempts.length === 1);
    const [delivery] = (await client.admin.webhooks.deliveries(webhook.id)).deliveries;
    if (!delivery) throw new Error('the delivery is logged');
    expect(delivery).toMatchObject({ status: 'pending', event_id: failed.event.id, booking_id: hold.id, attempts: [{ status_code: 500, response_body: 'not now' }] });
    expect(Date.parse(delivery.next_attempt_at ?? '')).toBeGreaterThan(Date.now() + 50 * 60_000); // the schedule's hour
    expect((await client.admin.webhooks.deliveries(webhook.id, { status: 'succeeded' })).deliveries).toEqual([]);

    const retried = await client.admin.webhooks.retryDelivery(webhook.id, delivery.id);
    expect(retried).toMatchObject({ id: delivery.id, status: 'pending' });
    const again = await receiver.nth(2, 'the retried booking.held', ({ webhookId }) => webhookId === failed.event.id);
    expect(verifyWebhook(again.rawBody, again.headers, secret)).toEqual(failed.event);
    await until('the retry is logged as succeeded', async () => (await client.admin.webhooks.deliveries(webhook.id, { status: 'succeeded' })).deliveries.length === 1);
    expect((await client.admin.webhooks.deliveries(webhook.id)).deliveries[0]?.attempts.map((a) => a.status_code)).toEqual([500, 204]);

    expect(await refusal(client.admin.webhooks.retryDelivery(webhook.id, delivery.id + 1000))).toEqual({ code: 'DELIVERY_NOT_FOUND', status: 404 });
    expect(await refusal(client.admin.webhooks.retryDelivery('wh_nothere', delivery.id))).toEqual({ code: 'WEBHOOK_NOT_FOUND', status: 404 });
    await client.admin.webhooks.remove(webhook.id);
  });

  it("reads a booking's history, and the admin event log filtered and page by page", async () => {
    const client = admin();
    const hold = await client.bookings.hold(holdBody(4, 30, 'history@example.com'));
    await client.bookings.confirm(hold.id);
    await client.admin.bookings.cancel(hold.id);

    const history = await client.bookings.events(hold.id);
    expect(history.map((e) => [e.type, e.data.previous_status, e.actor])).toEqual([
      ['booking.held', null, { type: 'guest' }],
      ['booking.confirmed', 'pending', { type: 'guest' }],
      ['booking.cancelled', 'confirmed', { type: 'admin_key', id: 'ADMIN_API_KEY' }],
    ]);
    expect(history.map((e) => e.data.booking.status)).toEqual(['pending', 'confirmed', 'cancelled']);

    const first = await client.admin.events.list({ booking_id: hold.id, limit: 2 });
    expect(first.events).toEqual(history.slice(0, 2));
    const rest = await client.admin.events.list({ booking_id: hold.id, limit: 2, cursor: first.next_cursor ?? '' });
    expect(rest).toEqual({ events: history.slice(2), next_cursor: null });
    const all = [];
    for await (const event of client.admin.events.all({ booking_id: hold.id, limit: 1 })) all.push(event);
    expect(all).toEqual(history);
    expect((await client.admin.events.list({ booking_id: hold.id, type: 'booking.cancelled' })).events).toEqual(history.slice(2));
    expect((await client.admin.events.list({ booking_id: hold.id, from: history[2]!.created_at })).events.map((e) => e.type)).toContain('booking.cancelled');

    expect(await refusal(client.bookings.events('bk_nothere'))).toEqual({ code: 'BOOKING_NOT_FOUND', status: 404 });
    expect(await refusal(createBookingClient({ baseUrl: own.url }).admin.events.list())).toEqual({ code: 'UNAUTHORIZED', status: 401 });
  });
});
