import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { HoldInput, ListDeliveriesInput, type CreateWebhookInput } from '../contract/index.js';
import { CreateWebhookInput as CreateWebhook } from '../contract/webhooks.js';
import { ManualClock } from '../domain/clock.js';
import { BookingError } from '../domain/errors.js';
import { DISABLE_AFTER_FAILING_MS } from '../domain/webhook-policy.js';
import { driverOf, type Database } from '../db/orm.js';
import { allInTurn, sqlRunner } from '../db/sql.js';
import * as webhookSql from '../db/webhook-sql.js';
import type { ClaimedRow } from '../db/webhook-sql.js';
import { freshDatabase } from '../test-support.js';
import { testDrivers } from '@escape-room/test-utils/databases';
import { inTurn, startReceiver, type ReceivedRequest, type Receiver, type Reply } from '@escape-room/test-utils/receiver';
import type { EndpointRules, ServiceDeps } from './deps.js';
import { deliverDue, leaseMs, type DeliveryOptions } from './delivery.js';
import { claimDue, type LeasedWork } from './lease-worker.js';
import { createBookingService, type BookingApi } from './index.js';

// The dispatcher's rules against real HTTP receivers on loopback, one round at a time on a
// manual clock: schedules of hours and days pass without waiting for them.

const T0 = Date.UTC(2030, 5, 1, 9, 0);
const HOUR = 3_600_000;

describe.each(testDrivers())('webhook delivery on %s', (driver) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let clock: ManualClock;
  let service: BookingApi;
  let deps: ServiceDeps;
  let warnings: { fields: object; message: string }[];
  let receivers: Receiver[];
  const options = (): DeliveryOptions => ({
    retryDelaysMs: [5_000, 300_000, HOUR],
    timeoutMs: 2_000,
    log: { info: () => undefined, warn: (fields, message) => warnings.push({ fields, message }) },
  });

  function setUp(endpoints: EndpointRules = { allowHttp: true, allowPrivateNetworks: true }) {
    deps = { db, clock, policy: { holdMs: 300_000, maxHoldMs: 900_000, maxLiveHoldsPerGuest: 10 }, endpoints };
    service = createBookingService(deps);
  }
  beforeEach(async () => {
    ({ db, dispose } = await freshDatabase(driver));
    clock = new ManualClock(T0);
    warnings = [];
    receivers = [];
    setUp();
  });
  afterEach(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await dispose();
  });

  /** A loopback receiver answering each request with the next reply of `replies` (the last one repeats). */
  const listen = async (replies: Reply[]) => {
    const r = await startReceiver(inTurn(replies));
    receivers.push(r);
    return r;
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const hold = (roomId: number, startHours = 24, email = 'ada@example.com') =>
    service.placeHold(
      HoldInput.parse({ room_id: roomId, guest: { name: 'Ada', email }, start_date: iso(T0 + startHours * HOUR), end_date: iso(T0 + (startHours + 1) * HOUR) }),
    );
  const subscribe = (input: CreateWebhookInput) => service.createWebhook(CreateWebhook.parse(input));
  const log = async (webhookId: string) => (await service.listDeliveries(ListDeliveriesInput.parse({ webhook_id: webhookId }))).deliveries;
  const round = () => deliverDue(deps, options());
  /** Verifies as a receiver would, its own clock reading what the manual clock reads (the library checks the timestamp against Date.now). */
  const verify = (secret: string, request: ReceivedRequest) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(clock.now());
    try {
      return new StandardWebhook(secret).verify(request.rawBody, request.headers);
    } finally {
      vi.useRealTimers();
    }
  };
  const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: unknown) => (error instanceof BookingError ? error.code : String(error)));

  it('POSTs the event signed to the Standard Webhooks specification, and logs the attempt', async () => {
    const r = await listen([{ status: 204 }]);
    const { webhook, secret } = await subscribe({ url: r.url, events: ['booking.held'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const booking = await hold(1);
    expect(await round()).toBe(1);
    const [request] = r.requests;
    const event = verify(secret, request!) as { id: string; type: string };
    expect(event).toEqual((await service.bookingEvents(booking.id))[0]);
    expect(request!.headers['webhook-id']).toBe(event.id);
    expect(request!.headers['content-type']).toBe('application/json');
    const [delivery] = await log(webhook.id);
    expect(delivery).toMatchObject({ status: 'succeeded', event_id: event.id, booking_id: booking.id, next_attempt_at: null });
    expect(delivery?.attempts).toEqual([{ attempted_at: iso(T0), status_code: 204, duration_ms: 0, error: null, response_body: null }]);
    expect(await round()).toBe(0);
  });

  it('signs with both secrets for 24 hours after a rotation, then with the new one only', async () => {
    const r = await listen([{ status: 200 }]);
    const { webhook, secret: old } = await subscribe({ url: r.url, events: ['booking.held'] });
    const { secret, webhook: rotated } = await service.rotateWebhookSecret(webhook.id);
    expect(secret).not.toBe(old);
    expect(rotated.previous_secret_expires_at).toBe(iso(T0 + 24 * HOUR));
    await hold(1);
    await round();
    const verifyWith = (key: string, n: number) => () => verify(key, r.requests[n]!);
    expect(String(r.requests[0]!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyWith(secret, 0)).not.toThrow();
    expect(verifyWith(old, 0)).not.toThrow();

    clock.advance(24 * HOUR);
    await hold(2, 24 * 30);
    await round();
    expect(String(r.requests[1]!.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifyWith(secret, 1)).not.toThrow();
    expect(verifyWith(old, 1)).toThrow(/No matching signature/);
  });

  it('retries on the schedule, keeping one booking’s events in order, and never holds back another endpoint', async () => {
    const failing = await listen([{ status: 500, body: 'down' }, { status: 500 }, { status: 200 }]);
    const healthy = await listen([{ status: 200 }]);
    const slow = await subscribe({ url: failing.url, events: ['booking.held', 'booking.confirmed'] });
    await subscribe({ url: healthy.url, events: ['booking.held', 'booking.confirmed'] });
    const booking = await hold(1);
    await service.confirmHold(booking.id);
    const types = (r: Receiver) => r.requests.map((q) => (q.json as { type: string }).type);

    // First round: the healthy endpoint gets the held event; the failing one fails it, and its
    // confirmation waits behind it.
    await round();
    expect(types(failing)).toEqual(['booking.held']);
    await round();
    expect(types(healthy)).toEqual(['booking.held', 'booking.confirmed']);
    expect(await round()).toBe(0);

    clock.advance(5_000 - 1);
    expect(await round()).toBe(0);
    clock.advance(1);
    await round();
    clock.advance(300_000);
    await round();
    await round();
    expect(types(failing)).toEqual(['booking.held', 'booking.held', 'booking.held', 'booking.confirmed']);
    const [confirmed, held] = await log(slow.webhook.id);
    expect(held?.attempts.map((a) => [a.attempted_at, a.status_code])).toEqual([
      [iso(T0), 500],
      [iso(T0 + 5_000), 500],
      [iso(T0 + 305_000), 200],
    ]);
    expect(held?.attempts[0]?.response_body).toBe('down');
    expect([held?.status, confirmed?.status]).toEqual(['succeeded', 'succeeded']);
  });

  it('gives up after the last retry, and a manual retry sends it once more', async () => {
    const r = await listen([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }]);
    const { webhook } = await subscribe({ url: r.url, events: ['booking.held'] });
    await hold(1);
    for (const wait of [0, 5_000, 300_000, HOUR]) {
      clock.advance(wait);
      expect(await round()).toBe(1);
    }
    clock.advance(10 * 24 * HOUR);
    expect(await round()).toBe(0);
    const [failed] = await log(webhook.id);
    expect(failed).toMatchObject({ status: 'failed', next_attempt_at: null });
    expect(failed?.attempts).toHaveLength(4);

    expect(await service.retryDelivery(webhook.id, failed!.id)).toMatchObject({ status: 'pending', next_attempt_at: iso(clock.now()) });
    expect(await round()).toBe(1);
    expect((await log(webhook.id))[0]).toMatchObject({ status: 'succeeded' });
    expect(await codeOf(service.retryDelivery(webhook.id, 999_999))).toBe('DELIVERY_NOT_FOUND');
  });

  it('honours Retry-After', async () => {
    const r = await listen([{ status: 429, headers: { 'retry-after': '120' } }, { status: 200 }]);
    const { webhook } = await subscribe({ url: r.url, events: ['booking.held'] });
    await hold(1);
    await round();
    expect((await log(webhook.id))[0]?.next_attempt_at).toBe(iso(T0 + 120_000));
  });

  it('disables an endpoint that answers 410 Gone, and one that has failed for five days', async () => {
    const gone = await listen([{ status: 410 }]);
    const broken = await listen([{ status: 500 }]);
    const a = await subscribe({ url: gone.url, events: ['booking.held'] });
    const b = await subscribe({ url: broken.url, events: ['booking.held'] });
    await hold(1);
    await round();
    await round();
    expect(await service.getWebhook(a.webhook.id)).toMatchObject({ enabled: false, disabled_reason: 'gone' });
    expect((await log(a.webhook.id))[0]?.status).toBe('failed');
    expect(warnings).toEqual([{ fields: expect.objectContaining({ webhook_id: a.webhook.id, reason: 'gone' }) as object, message: 'webhook endpoint disabled' }]);

    clock.advance(DISABLE_AFTER_FAILING_MS - 1);
    await hold(2, 24 * 10);
    await round();
    expect((await service.getWebhook(b.webhook.id)).enabled).toBe(true);
    clock.advance(1);
    await hold(3, 24 * 10);
    await round();
    expect(await service.getWebhook(b.webhook.id)).toMatchObject({ enabled: false, disabled_reason: 'failing' });
    expect(warnings.at(-1)).toMatchObject({ fields: { webhook_id: b.webhook.id, reason: 'failing' } });

    // Disabled endpoints get no new deliveries; enabling one again resumes it.
    const owed = (await log(b.webhook.id)).length;
    await hold(4, 24 * 10);
    expect(await log(b.webhook.id)).toHaveLength(owed);
    expect(await codeOf(service.retryDelivery(b.webhook.id, (await log(b.webhook.id))[0]!.id))).toBe('INVALID_STATE');
    expect(await service.updateWebhook({ webhook_id: b.webhook.id, enabled: true })).toMatchObject({ enabled: true, disabled_reason: null });
  });

  it('refuses endpoints that point into its own network, when saved and when called', async () => {
    let answer = ['93.184.215.14'];
    const r = await listen([{ status: 200 }]);
    setUp({ allowHttp: true, allowPrivateNetworks: false, resolve: async () => answer });
    for (const url of ['http://127.0.0.1/x', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.8/x', 'http://[::ffff:7f00:1]/x']) {
      expect(await codeOf(subscribe({ url, events: ['booking.held'] })), url).toBe('WEBHOOK_URL_REFUSED');
    }
    answer = ['93.184.215.14', '10.1.2.3'];
    expect(await codeOf(subscribe({ url: 'http://hooks.example.test/x', events: ['booking.held'] }))).toBe('WEBHOOK_URL_REFUSED');
    answer = [];
    expect(await codeOf(subscribe({ url: 'http://hooks.example.test/x', events: ['booking.held'] }))).toBe('WEBHOOK_URL_REFUSED');

    // Saved while the name pointed outside; at delivery it points at this machine, where a
    // receiver listens: the connection is refused before it is made.
    answer = ['93.184.215.14'];
    const { webhook } = await subscribe({ url: `http://hooks.example.test:${r.port}/hook`, events: ['booking.held'] });
    answer = ['127.0.0.1'];
    await hold(1);
    await round();
    expect(r.requests).toHaveLength(0);
    const [attempt] = (await log(webhook.id))[0]!.attempts;
    expect(attempt).toMatchObject({ status_code: null, error: expect.stringContaining('127.0.0.1') as string });

    setUp({ allowHttp: false, allowPrivateNetworks: false, resolve: async () => ['93.184.215.14'] });
    expect(await codeOf(subscribe({ url: 'http://hooks.example.test/x', events: ['booking.held'] }))).toBe('WEBHOOK_URL_REFUSED');
    expect(await codeOf(subscribe({ url: 'https://user:pw@hooks.example.test/x', events: ['booking.held'] }))).toBe('WEBHOOK_URL_REFUSED');
    expect((await subscribe({ url: 'https://hooks.example.test/x', events: ['booking.held'] })).webhook.url).toBe('https://hooks.example.test/x');
  });

  it('records the attempts of a round, however they are batched, each under its own delivery and claim', async () => {
    const answers = [{ status: 200 }, { status: 503, body: 'busy' }, { status: 410 }, { status: 204 }];
    const endpoints = [];
    for (const answer of answers) {
      const r = await listen([answer]);
      endpoints.push((await subscribe({ url: r.url, events: ['booking.held'] })).webhook.id);
    }
    await hold(1);
    await hold(2);
    expect(await round()).toBe(8);
    const logs = await Promise.all(endpoints.map(log));
    expect(logs.map((deliveries) => deliveries.map((d) => [d.status, d.attempts.map((a) => [a.status_code, a.error])]))).toEqual([
      [['succeeded', [[200, null]]], ['succeeded', [[200, null]]]],
      [['pending', [[503, null]]], ['pending', [[503, null]]]],
      [['failed', [[410, null]]], ['failed', [[410, null]]]],
      [['succeeded', [[204, null]]], ['succeeded', [[204, null]]]],
    ]);
    expect(logs[1]?.map((d) => d.next_attempt_at)).toEqual([iso(T0 + 5_000), iso(T0 + 5_000)]);
    expect(await service.getWebhook(endpoints[2]!)).toMatchObject({ enabled: false, disabled_reason: 'gone' });
    expect(warnings.filter((w) => w.message === 'webhook endpoint disabled')).toHaveLength(1);
  });

  it('finishes several deliveries in one statement, each fenced by its own claim', async () => {
    const r = await listen([{ status: 200 }]);
    const { webhook } = await subscribe({ url: r.url, events: ['booking.held'] });
    for (const room of [1, 2, 3]) await hold(room);
    const sql = sqlRunner(db);
    const claim = async (token: string, limit: number) => {
      await sql.run(webhookSql.claim(token, clock.now() + leaseMs(options()), clock.now(), limit, ''));
      return (await sql.all<{ id: number | string }>(webhookSql.claimed(token))).map((row) => Number(row.id));
    };
    const [a, b] = await claim('first', 2);
    const [c] = await claim('second', 1);
    const attempt = (deliveryId: number, statusCode: number) => ({ deliveryId, attemptedAt: clock.now(), statusCode, durationMs: 3, error: null, responseBody: null });
    await sql.run(webhookSql.recordAttempts([attempt(a!, 200), attempt(b!, 500), attempt(c!, 200)]));
    const finished = await sql.run(
      webhookSql.finishMany(
        [
          { id: a!, token: 'first', next: { status: 'succeeded', at: null } },
          { id: b!, token: 'first', next: { status: 'pending', at: T0 + 5_000 } },
          // Not this claim's: another instance holds it.
          { id: c!, token: 'first', next: { status: 'succeeded', at: null } },
        ],
        clock.now(),
      ),
    );
    expect(finished).toBe(2);
    const byId = new Map((await log(webhook.id)).map((d) => [d.id, d]));
    expect([a, b, c].map((id) => [byId.get(id!)?.status, byId.get(id!)?.next_attempt_at, byId.get(id!)?.attempts.map((x) => x.status_code)])).toEqual([
      ['succeeded', null, [200]],
      ['pending', iso(T0 + 5_000), [500]],
      ['pending', iso(T0), [200]],
    ]);
    // The unfenced row is still leased to its own claim, which finishes it.
    expect(await sql.run(webhookSql.finishMany([{ id: c!, token: 'second', next: { status: 'succeeded', at: null } }], clock.now()))).toBe(1);
  });

  it('leases a claim to one claimer until the lease runs out, then to another', async () => {
    const r = await listen([{ status: 200 }]);
    const { webhook } = await subscribe({ url: r.url, events: ['booking.held'] });
    await hold(1);
    const sql = sqlRunner(db);
    const claim = async (token: string) => {
      await sql.run(webhookSql.claim(token, clock.now() + leaseMs(options()), clock.now(), 10, ''));
      return sql.all<{ id: number }>(webhookSql.claimed(token));
    };
    const [leased] = await claim('crashed');
    expect(leased).toBeDefined();
    expect(await claim('other')).toHaveLength(0);
    // A manual retry would be overwritten by the attempt in flight: it waits for its outcome.
    expect(await codeOf(service.retryDelivery(webhook.id, Number(leased?.id)))).toBe('INVALID_STATE');
    clock.advance(leaseMs(options()) - 1);
    expect(await claim('other')).toHaveLength(0);
    clock.advance(1);
    expect(await claim('other')).toHaveLength(1);
    // The crashed claimer's late answer changes nothing: the delivery is the other's now.
    expect(await sql.run(webhookSql.finish((await claim('other'))[0]?.id ?? 0, 'crashed', { status: 'succeeded', at: null }, clock.now()))).toBe(0);
  });

  it('claims from a backlog that outgrew its statistics by walking the due index, never sorting the backlog', async () => {
    // Statistics taken while the queue was empty, then a backlog written at once (a sweep, an
    // outage): planned on those, PostgreSQL read and sorted the whole backlog for every claim.
    const BACKLOG = 5_000;
    const sql = sqlRunner(db);
    await sql.run({ text: 'analyze', params: [] });
    const { webhook } = await subscribe({ url: 'http://127.0.0.1:9/', events: ['booking.held'] });
    await sql.run({
      text: `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${BACKLOG})
        insert into event (id, type, booking_id, created_at, payload) select 'ev_' || i, 'booking.held', 'bk_' || i, 0, '{}' from n`,
      params: [],
    });
    await sql.run({
      text: `insert into delivery (webhook_id, event_seq, booking_id, status, attempts, next_attempt_at, created_at, updated_at)
        select ?, seq, booking_id, 'pending', 0, 0, 0, 0 from event`,
      params: [webhook.id],
    });
    const plan = await sql.transaction(async (tx) => {
      const claim = webhookSql.claim('plan', clock.now() + 1, clock.now(), 48, tx.forUpdateSkipLocked);
      const explain = driverOf(db) === 'sqlite' ? 'explain query plan' : 'explain';
      return JSON.stringify(await allInTurn(tx, tx.inIndexOrder({ all: { ...claim, text: `${explain} ${claim.text}` } })));
    });
    expect(plan).toContain('delivery_due_idx');
    expect(plan).not.toMatch(/Sort|TEMP B-TREE/);
    // And a claim takes the backlog from its start.
    const work: LeasedWork<ClaimedRow> = { statements: webhookSql.queue, claimed: webhookSql.claimed, leaseMs: 1_000, attempt: async () => undefined, close: () => undefined };
    expect((await claimDue(deps, work, 'first', 3)).map((row) => row.event_id)).toEqual(['ev_1', 'ev_2', 'ev_3']);
  });
});
