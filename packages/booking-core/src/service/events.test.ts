import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HoldInput, ListEventsInput, type BookingEvent } from '../contract/index.js';
import { ManualClock } from '../domain/clock.js';
import { BookingError } from '../domain/errors.js';
import type { Database } from '../db/orm.js';
import { sqlRunner } from '../db/sql.js';
import { freshDatabase } from '../test-support.js';
import { testDrivers } from '@escape-room/test-utils/databases';
import type { ServiceDeps } from './deps.js';
import { createBookingService, type BookingApi } from './index.js';

const T0 = Date.UTC(2030, 5, 1, 9, 0);
const HOUR = 3_600_000;
const HOLD_MS = 5 * 60_000;
const DAY = 24 * HOUR;
const VENUE = { type: 'admin_key', id: 'ak_0000abcd' } as const;

describe.each(testDrivers())('booking events on %s', (driver) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let clock: ManualClock;
  let service: BookingApi;
  let notified: number;

  beforeEach(async () => {
    ({ db, dispose } = await freshDatabase(driver));
    clock = new ManualClock(T0);
    notified = 0;
    const deps: ServiceDeps = {
      db,
      clock,
      policy: { holdMs: HOLD_MS, maxHoldMs: 3 * HOLD_MS, maxLiveHoldsPerGuest: 2 },
      endpoints: { allowHttp: true, allowPrivateNetworks: true },
      eventRetentionMs: 90 * DAY,
      outbox: { notify: () => notified++ },
    };
    service = createBookingService(deps);
  });
  afterEach(() => dispose());

  const iso = (ms: number) => new Date(ms).toISOString();
  const hold = (roomId: number, startHours: number, email = 'ada@example.com', extra: { replaces?: string } = {}) =>
    service.placeHold(
      HoldInput.parse({ room_id: roomId, guest: { name: 'Ada', email }, start_date: iso(T0 + startHours * HOUR), end_date: iso(T0 + (startHours + 1) * HOUR), ...extra }),
    );
  const all = async (query: Record<string, unknown> = {}) => (await service.listEvents(ListEventsInput.parse({ limit: 100, ...query }))).events;
  const summary = (events: BookingEvent[]) => events.map((e) => [e.type, e.data.previous_status, e.data.booking.status, e.actor.type]);
  const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: unknown) => (error instanceof BookingError ? error.code : String(error)));
  const deliveries = async () => Number((await sqlRunner(db).all<{ n: number | string }>({ text: 'select count(*) as n from delivery', params: [] }))[0]?.n);

  it("records every change of a booking, with the booking after it, what it was, and who did it", async () => {
    const booking = await hold(1, 24);
    clock.advance(60_000);
    await service.extendHold(booking.id);
    await service.confirmHold(booking.id);
    await service.cancelBooking(booking.id);
    const other = await hold(2, 24);
    await service.releaseHold(other.id);
    const third = await hold(3, 24);
    await service.confirmHold(third.id);
    await service.cancelByVenue(third.id, VENUE);

    const history = await service.bookingEvents(booking.id);
    expect(summary(history)).toEqual([
      ['booking.held', null, 'pending', 'guest'],
      ['booking.extended', 'pending', 'pending', 'guest'],
      ['booking.confirmed', 'pending', 'confirmed', 'guest'],
      ['booking.cancelled', 'confirmed', 'cancelled', 'guest'],
    ]);
    // The booking as the API showed it right after each change: the extension's new expiry, say.
    expect(history[1]?.data.booking.expires_at).toBe(iso(T0 + 60_000 + HOLD_MS));
    expect(history[0]).toMatchObject({ id: expect.stringMatching(/^evt_/), created_at: iso(T0), data: { booking: { id: booking.id, reference: booking.reference } } });
    expect(summary(await service.bookingEvents(other.id)).at(-1)).toEqual(['booking.released', 'pending', 'released', 'guest']);
    expect((await service.bookingEvents(third.id)).at(-1)).toMatchObject({ type: 'booking.cancelled', actor: VENUE });
    // Nothing was owed to any endpoint: nothing to wake a dispatcher for.
    expect(notified).toBe(0);
  });

  it('pages and filters the log like the booking listing', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const b = await hold(1 + i, 24, `g${i}@example.com`);
      ids.push(b.id);
      clock.advance(1000);
      await service.confirmHold(b.id);
    }
    expect((await all({ type: 'booking.confirmed' })).map((e) => e.data.booking.id)).toEqual(ids);
    expect(summary(await all({ booking_id: ids[2] })).map(([type]) => type)).toEqual(['booking.held', 'booking.confirmed']);
    expect(await all({ from: iso(T0 + 2000), to: iso(T0 + 3000) })).toHaveLength(2);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.listEvents(ListEventsInput.parse({ limit: 3, cursor }));
      seen.push(...page.events.map((e) => e.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual((await all()).map((e) => e.id));
    expect(seen).toHaveLength(10);
    expect(await codeOf(service.listEvents(ListEventsInput.parse({ cursor: 'bm9wZQ' })))).toBe('VALIDATION_ERROR');
  });

  it('answers BOOKING_NOT_FOUND for the history of a booking that never was', async () => {
    expect(await codeOf(service.bookingEvents('bk_nope'))).toBe('BOOKING_NOT_FOUND');
  });

  it('keeps no event of a change that was rolled back', async () => {
    const first = await hold(1, 24);
    await hold(2, 24, 'bob@example.com');
    const before = await all();
    // The swap releases `first` in its transaction, then finds room 2 taken: all of it rolls back.
    expect(await codeOf(hold(2, 24, 'ada@example.com', { replaces: first.id }))).toBe('SLOT_UNAVAILABLE');
    await hold(3, 24);
    expect(await codeOf(hold(4, 24))).toBe('TOO_MANY_HOLDS');
    const after = await all();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(summary(after.slice(before.length))).toEqual([['booking.held', null, 'pending', 'guest']]);
    expect((await service.getBooking(first.id)).status).toBe('pending');
  });

  it('records a lapse once, from the sweeper or from the hold that takes the slot, as the system', async () => {
    const lapsing = await hold(1, 24);
    const taken = await hold(2, 24, 'bob@example.com');
    clock.advance(HOLD_MS);
    // Two instances sweeping at once still record each lapse once.
    const sweeps = await Promise.all([service.sweep(), service.sweep()]);
    expect(sweeps.reduce((n, s) => n + s.expiredHolds, 0)).toBe(2);
    expect(await service.sweep()).toMatchObject({ expiredHolds: 0 });
    for (const id of [lapsing.id, taken.id]) {
      expect((await service.bookingEvents(id)).at(-1)).toMatchObject({
        type: 'booking.expired',
        actor: { type: 'system' },
        created_at: iso(T0 + HOLD_MS),
        data: { previous_status: 'pending', booking: { status: 'expired', expires_at: null } },
      });
    }

    const early = await hold(3, 30, 'cy@example.com');
    clock.advance(HOLD_MS);
    const successor = await hold(3, 30, 'dee@example.com');
    expect(summary(await service.bookingEvents(early.id)).at(-1)).toEqual(['booking.expired', 'pending', 'expired', 'system']);
    const [expired, held] = (await all()).slice(-2);
    expect([expired?.data.booking.id, held?.data.booking.id]).toEqual([early.id, successor.id]);
  });

  it('owes each event to the enabled endpoints subscribed to its type, in the same transaction', async () => {
    const confirmations = await service.createWebhook({ url: 'http://127.0.0.1:9/a', events: ['booking.confirmed'], description: '' });
    const everything = await service.createWebhook({ url: 'http://127.0.0.1:9/b', events: ['booking.held', 'booking.confirmed'], description: '' });
    const off = await service.createWebhook({ url: 'http://127.0.0.1:9/c', events: ['booking.held'], description: '' });
    await service.updateWebhook({ webhook_id: off.webhook.id, enabled: false });
    const b = await hold(1, 24);
    await service.confirmHold(b.id);
    const owed = await sqlRunner(db).all<{ webhook_id: string; type: string }>({
      text: 'select d.webhook_id, e.type from delivery d join event e on e.seq = d.event_seq',
      params: [],
    });
    const byWebhook = (a: { webhook_id: string; type: string }, b: { webhook_id: string; type: string }) =>
      `${a.type} ${a.webhook_id}`.localeCompare(`${b.type} ${b.webhook_id}`);
    expect(owed.sort(byWebhook)).toEqual(
      [
        { webhook_id: everything.webhook.id, type: 'booking.held' },
        { webhook_id: confirmations.webhook.id, type: 'booking.confirmed' },
        { webhook_id: everything.webhook.id, type: 'booking.confirmed' },
      ].sort(byWebhook),
    );
    expect(await codeOf(hold(1, 24, 'eve@example.com'))).toBe('SLOT_UNAVAILABLE');
    expect(owed).toHaveLength(await deliveries());
    // Each committed change that owed a delivery woke the dispatcher; the refused hold did not.
    expect(notified).toBe(2);
  });

  it('forgets events past their retention, with their deliveries', async () => {
    await service.createWebhook({ url: 'http://127.0.0.1:9/a', events: ['booking.held'], description: '' });
    const old = await hold(1, 24);
    await service.confirmHold(old.id);
    clock.advance(60 * DAY);
    const recent = await hold(2, 61 * 24);
    await service.confirmHold(recent.id);
    // Kept for exactly the retention, and gone a millisecond after.
    clock.advance(30 * DAY);
    expect((await service.sweep()).prunedEvents).toBe(0);
    clock.advance(1);
    expect((await service.sweep()).prunedEvents).toBe(2);
    expect((await all()).map((e) => [e.type, e.data.booking.id])).toEqual([
      ['booking.held', recent.id],
      ['booking.confirmed', recent.id],
    ]);
    expect(await service.bookingEvents(old.id)).toEqual([]);
    expect(await deliveries()).toBe(1);
  });
});
