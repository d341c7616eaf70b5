import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UpdateRoomInput } from '../contract/admin.js';
import { AvailabilityOutput, HoldInput } from '../contract/bookings.js';
import { GetRoomOutput, ListRoomsOutput } from '../contract/rooms.js';
import { ScheduleSchema } from '../contract/schedule.js';
import { ManualClock } from '../domain/clock.js';
import { BookingError } from '../domain/errors.js';
import type { Database } from '../db/orm.js';
import { freshDatabase } from '../test-support.js';
import { testDrivers } from '@escape-room/test-utils/databases';
import { requestFingerprint } from './idempotency.js';
import { createBookingService, type BookingApi } from './index.js';

const T0 = Date.UTC(2030, 5, 1, 9, 0);
const HOUR = 3_600_000;
const HOLD_MS = 5 * 60_000;

describe.each(testDrivers())('the booking service on %s', (driver) => {
let db: Database;
let dispose: () => Promise<void>;
let clock: ManualClock;
let service: BookingApi;

beforeEach(async () => {
  ({ db, dispose } = await freshDatabase(driver));
  clock = new ManualClock(T0);
  service = createBookingService({ db, clock, policy: { holdMs: HOLD_MS, maxHoldMs: 3 * HOLD_MS, maxLiveHoldsPerGuest: 2 } });
});
afterEach(() => dispose());

const iso = (ms: number) => new Date(ms).toISOString();
function holdRequest(roomId: number, startOffsetHours: number, hours = 1, email = 'ada@example.com') {
  return HoldInput.parse({
    room_id: roomId,
    guest: { name: 'Ada', email },
    start_date: iso(T0 + startOffsetHours * HOUR),
    end_date: iso(T0 + (startOffsetHours + hours) * HOUR),
  });
}
/**
 * Moves the clock `stepMs` each time the service sleeps on it, until `work` settles, and
 * resolves with the clock time that took: waits without real time passing.
 */
async function timeOnClock(work: Promise<unknown>, stepMs = 50): Promise<number> {
  const started = clock.now();
  // Widened: the callbacks below set it, which narrowing cannot see.
  let settled = false as boolean;
  const done = work.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  while (!settled) {
    await Promise.race([clock.sleeping(), done]);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the callbacks may have set it during the await
    if (!settled) clock.advance(stepMs);
  }
  return clock.now() - started;
}
async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (error instanceof BookingError) return error.code;
  throw new Error(`expected a BookingError, got ${String(error)}`);
}

describe('rooms', () => {
  it('lists the ten seeded rooms with exact prices', async () => {
    const rooms = await service.listRooms();
    expect(rooms).toHaveLength(10);
    expect(rooms[1]).toEqual({
      id: 2,
      name: 'Room 2',
      description: 'Escape room 2',
      price: 12.5,
      // The seeded rooms keep the original contract: flat price per booking, any party, no reset, free ranges.
      price_per: 'booking',
      price_tiers: [],
      min_players: 1,
      max_players: null,
      buffer_minutes: 0,
      scheduled: false,
    });
  });

  it('answers ROOM_NOT_FOUND for an unknown room', async () => {
    expect(await codeOf(service.getRoom(999))).toBe('ROOM_NOT_FOUND');
  });

  it('answers rooms exactly as the contract describes them: nothing to strip, default or coerce', async () => {
    // The API sends these answers without parsing them (the procedures' `trustOutput`): a room with
    // every term set (tiers, per-player price, party limits, a reset, a schedule) must parse to itself.
    await service.updateRoom(
      UpdateRoomInput.parse({
        room_id: 3,
        price: 30.25,
        price_per: 'player',
        price_tiers: [{ min_players: 5, price: 27.5 }],
        min_players: 2,
        max_players: 8,
        buffer_minutes: 15,
      }),
    );
    await service.setSchedule(4, ScheduleSchema.parse({ session_minutes: 60, weekly: { sat: { open: '10:00', close: '22:00' } } }));
    const rooms = await service.listRooms();
    expect(rooms[2]).toMatchObject({ price_per: 'player', price_tiers: [{ min_players: 5, price: 27.5 }], max_players: 8, buffer_minutes: 15 });
    expect(rooms[3]).toMatchObject({ scheduled: true });
    expect(ListRoomsOutput.parse({ rooms })).toStrictEqual({ rooms });
    const room = await service.getRoom(3);
    expect(GetRoomOutput.parse({ room })).toStrictEqual({ room });
    const free = await service.availableRooms({ start_date: T0 + 24 * HOUR, end_date: T0 + 25 * HOUR });
    expect(free).toHaveLength(10);
    expect(AvailabilityOutput.parse({ rooms: free })).toStrictEqual({ rooms: free });
  });
});

describe('holds', () => {
  it('creates a pending hold that expires after the hold length', async () => {
    const booking = await service.placeHold(holdRequest(1, 24));
    expect(booking).toMatchObject({ room_id: 1, status: 'pending', expires_at: iso(T0 + HOLD_MS) });
    expect(booking.id).toMatch(/^bk_[A-Za-z0-9_-]{22}$/);
    expect(await service.getBooking(booking.id)).toEqual(booking);
  });

  it('refuses an overlapping hold but allows a back-to-back one', async () => {
    await service.placeHold(holdRequest(1, 24, 2));
    expect(await codeOf(service.placeHold(holdRequest(1, 25)))).toBe('SLOT_UNAVAILABLE');
    await expect(service.placeHold(holdRequest(1, 26, 1, 'bob@example.com'))).resolves.toMatchObject({ status: 'pending' });
    await expect(service.placeHold(holdRequest(2, 24, 1, 'cy@example.com'))).resolves.toMatchObject({ status: 'pending' });
  });

  it('refuses a slot that starts now or in the past', async () => {
    expect(await codeOf(service.placeHold(holdRequest(1, 0)))).toBe('VALIDATION_ERROR');
  });

  it('frees the slot the instant the hold lapses, and reads as expired', async () => {
    const first = await service.placeHold(holdRequest(3, 24));
    clock.set(T0 + HOLD_MS - 1);
    expect(await codeOf(service.placeHold(holdRequest(3, 24)))).toBe('SLOT_UNAVAILABLE');
    clock.set(T0 + HOLD_MS);
    expect((await service.getBooking(first.id)).status).toBe('expired');
    expect((await service.getBooking(first.id)).expires_at).toBeNull();
    await expect(service.placeHold(holdRequest(3, 24))).resolves.toMatchObject({ status: 'pending' });
    expect(await codeOf(service.confirmHold(first.id))).toBe('HOLD_EXPIRED');
  });

  it('keeps one guest record per address, whatever its case', async () => {
    await service.placeHold(holdRequest(1, 24, 1, 'Ada@Example.com'));
    await service.placeHold(holdRequest(2, 24, 1, 'ada@example.COM'));
    const rows = await db.em.fork().getConnection().execute('select count(*) as n from guest');
    expect(Number(rows[0]?.n)).toBe(1);
  });

  it("stores the guest's name exactly as given, quotes and backslashes included; a refused hold leaves it as it was", async () => {
    const name = String.raw`O'Hara \ "Ada" \' ; --`;
    const held = await service.placeHold({ ...holdRequest(1, 24), guest: { name, email: "o'hara@example.com" } });
    expect(held.guest).toEqual({ name, email: "o'hara@example.com" });
    expect(await codeOf(service.placeHold({ ...holdRequest(999, 24), guest: { name: 'Renamed', email: "o'hara@example.com" } }))).toBe('ROOM_NOT_FOUND');
    expect((await service.getBooking(held.id)).guest).toEqual({ name, email: "o'hara@example.com" });
  });
});

describe('confirm, release, cancel', () => {
  it('confirms a live hold, which then blocks the slot for good', async () => {
    const hold = await service.placeHold(holdRequest(1, 24));
    const confirmed = await service.confirmHold(hold.id);
    expect(confirmed).toMatchObject({ status: 'confirmed', expires_at: null });
    clock.advance(HOLD_MS * 10);
    expect((await service.getBooking(hold.id)).status).toBe('confirmed');
    expect(await codeOf(service.placeHold(holdRequest(1, 24)))).toBe('SLOT_UNAVAILABLE');
    expect(await codeOf(service.confirmHold(hold.id))).toBe('INVALID_STATE');
  });

  it('releases a hold and frees the slot at once', async () => {
    const hold = await service.placeHold(holdRequest(1, 24));
    expect(await service.releaseHold(hold.id)).toMatchObject({ status: 'released' });
    await expect(service.placeHold(holdRequest(1, 24))).resolves.toMatchObject({ status: 'pending' });
    expect(await codeOf(service.releaseHold(hold.id))).toBe('INVALID_STATE');
  });

  it('cancels a confirmed booking before it starts, not a pending one', async () => {
    const hold = await service.placeHold(holdRequest(1, 24));
    expect(await codeOf(service.cancelBooking(hold.id))).toBe('INVALID_STATE');
    await service.confirmHold(hold.id);
    expect(await service.cancelBooking(hold.id)).toMatchObject({ status: 'cancelled' });
    await expect(service.placeHold(holdRequest(1, 24))).resolves.toMatchObject({ status: 'pending' });
  });

  it('answers BOOKING_NOT_FOUND for an unknown id', async () => {
    expect(await codeOf(service.confirmHold('bk_nope'))).toBe('BOOKING_NOT_FOUND');
    expect(await codeOf(service.getBooking('bk_nope'))).toBe('BOOKING_NOT_FOUND');
  });

  it('lets exactly one of a racing confirm and release win', async () => {
    const hold = await service.placeHold(holdRequest(1, 24));
    const results = await Promise.allSettled([service.confirmHold(hold.id), service.releaseHold(hold.id)]);
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const final = await service.getBooking(hold.id);
    expect(final.status).toBe((winners[0] as PromiseFulfilledResult<{ status: string }>).value.status);
  });
});

describe('availability', () => {
  it('hides rooms with a confirmed booking or a live hold in the range, using the same rule as holds', async () => {
    await service.confirmHold((await service.placeHold(holdRequest(1, 24))).id);
    await service.placeHold(holdRequest(2, 24));
    const range = { start_date: T0 + 24 * HOUR + 30 * 60_000, end_date: T0 + 26 * HOUR };
    expect((await service.availableRooms(range)).map((r) => r.id)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    clock.advance(HOLD_MS);
    expect((await service.availableRooms(range)).map((r) => r.id)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const after = { start_date: T0 + 25 * HOUR, end_date: T0 + 26 * HOUR };
    expect(await service.availableRooms(after)).toHaveLength(10);
  });

  it('still sees a booking longer than every earlier one, from deep inside it', async () => {
    // Short bookings first, so the probes' look-back window starts narrow; then a 20-hour one.
    await service.placeHold(holdRequest(1, 24));
    await service.confirmHold((await service.placeHold(holdRequest(2, 30, 20))).id);
    const inside = { start_date: T0 + 48 * HOUR, end_date: T0 + 49 * HOUR };
    expect((await service.availableRooms(inside)).map((r) => r.id)).not.toContain(2);
    expect(await codeOf(service.placeHold(holdRequest(2, 48)))).toBe('SLOT_UNAVAILABLE');
    expect(await service.placeHold(holdRequest(2, 50))).toMatchObject({ status: 'pending' });
  });
});

describe('the database guard', () => {
  it('refuses an overlapping live booking inserted behind the service', async () => {
    const hold = await service.placeHold(holdRequest(1, 24));
    const conn = db.em.fork().getConnection();
    const insert = (id: string, status: string, expiresAt: number | null, createdAt = T0) =>
      conn.execute(
        `insert into booking (id, room_id, guest_id, status, start_at, end_at, created_at, updated_at, expires_at)
         values (?, 1, 1, ?, ?, ?, ?, ?, ?)`,
        [id, status, T0 + 24.5 * HOUR, T0 + 25.5 * HOUR, createdAt, createdAt, expiresAt],
      );
    const refused = /SLOT_UNAVAILABLE|booking_no_overlap/;
    await expect(insert('bk_sneaky', 'confirmed', null)).rejects.toThrow(refused);
    await expect(insert('bk_sneaky2', 'pending', T0 + HOLD_MS)).rejects.toThrow(refused);
    await expect(insert('bk_sneaky3', 'pending', T0 + 2 * HOLD_MS, T0 + HOLD_MS - 1)).rejects.toThrow(refused);
    // Once the hold has lapsed, the slot is free. SQLite's trigger judges that at the writer's
    // clock; PostgreSQL's constraint sees stored statuses, so there the lapse is persisted first.
    clock.set(T0 + HOLD_MS);
    if (driver === 'postgresql') await service.sweep();
    await insert('bk_later', 'confirmed', null, T0 + HOLD_MS);
    expect((await service.getBooking(hold.id)).status).toBe('expired');
  });
});

describe('admin listing', () => {
  it('filters by status, room and range and follows the cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await service.placeHold(holdRequest(1, 24 + i, 1, `guest${i}@example.com`))).id);
    await service.confirmHold(ids[0]!);
    await service.placeHold(holdRequest(2, 24, 1, 'another@example.com'));

    const page1 = await service.listBookings({ room_id: 1, limit: 2 });
    expect(page1.bookings.map((b) => b.id)).toEqual(ids.slice(0, 2));
    const page2 = await service.listBookings({ room_id: 1, limit: 2, cursor: page1.next_cursor! });
    const page3 = await service.listBookings({ room_id: 1, limit: 2, cursor: page2.next_cursor! });
    expect([...page2.bookings, ...page3.bookings].map((b) => b.id)).toEqual(ids.slice(2));
    expect(page3.next_cursor).toBeNull();

    expect((await service.listBookings({ status: 'confirmed', limit: 50 })).bookings.map((b) => b.id)).toEqual([ids[0]]);
    clock.advance(HOLD_MS);
    expect((await service.listBookings({ status: 'expired', limit: 50 })).bookings).toHaveLength(5);
    expect((await service.listBookings({ status: 'pending', limit: 50 })).bookings).toHaveLength(0);
    const ranged = await service.listBookings({ from: T0 + 25 * HOUR, to: T0 + 27 * HOUR, limit: 50 });
    expect(ranged.bookings.map((b) => b.id)).toEqual([ids[1], ids[2]]);
    expect(await codeOf(service.listBookings({ cursor: 'garbage', limit: 5 }))).toBe('VALIDATION_ERROR');
  });
});

describe('extending a hold', () => {
  it('pushes expires_at to now + hold, up to the cap, and refuses a lapsed hold', async () => {
    const hold = await service.placeHold(holdRequest(1, 24));
    clock.advance(HOLD_MS - 1);
    expect((await service.extendHold(hold.id)).expires_at).toBe(iso(T0 + 2 * HOLD_MS - 1));
    clock.set(T0 + 2 * HOLD_MS + HOLD_MS / 2);
    expect(await codeOf(service.extendHold(hold.id))).toBe('HOLD_EXPIRED');

    const second = await service.placeHold(holdRequest(2, 24));
    for (let i = 0; i < 5; i++) {
      clock.advance(HOLD_MS / 2);
      await service.extendHold(second.id);
    }
    const capped = await service.getBooking(second.id);
    expect(capped.expires_at).toBe(iso(Date.parse(second.created_at) + 3 * HOLD_MS));
    await service.confirmHold(second.id);
    expect(await codeOf(service.extendHold(second.id))).toBe('INVALID_STATE');
  });
});

describe('idempotent holds', () => {
  it('replays the first answer for the same key and request, refuses another request', async () => {
    const request = holdRequest(1, 24);
    const first = await service.placeHold(request, { idempotencyKey: 'key-1' });
    const again = await service.placeHold(request, { idempotencyKey: 'key-1' });
    expect(again).toEqual(first);
    expect(await codeOf(service.placeHold(holdRequest(2, 24), { idempotencyKey: 'key-1' }))).toBe('IDEMPOTENCY_KEY_REUSED');
    const listed = await service.listBookings({ limit: 50 });
    expect(listed.bookings).toHaveLength(1);
  });

  it('replays a refusal too, and a new key gets a fresh answer', async () => {
    await service.placeHold(holdRequest(1, 24));
    const request = holdRequest(1, 24, 1, 'bob@example.com');
    expect(await codeOf(service.placeHold(request, { idempotencyKey: 'key-2' }))).toBe('SLOT_UNAVAILABLE');
    expect(await codeOf(service.placeHold(request, { idempotencyKey: 'key-2' }))).toBe('SLOT_UNAVAILABLE');
  });

  it('tells a retry to come back while the first request with its key is still running', async () => {
    const request = holdRequest(1, 24);
    await db.em.fork().getConnection().execute(
      `insert into idempotency_key (key, request_hash, state, response, created_at, updated_at) values (?, ?, 'in_flight', null, ?, ?)`,
      ['key-busy', requestFingerprint(request), T0, T0],
    );
    // The retry waits five seconds on the service's clock for the first request, then gives up.
    const retry = codeOf(service.placeHold(request, { idempotencyKey: 'key-busy' }));
    const waited = await timeOnClock(retry, 250);
    expect(await retry).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(waited).toBeGreaterThanOrEqual(5_000);
    expect(waited).toBeLessThan(5_000 + 250);
    // A request that has been in flight for over a minute died with its process: take over.
    clock.advance(61_000);
    await expect(service.placeHold(holdRequest(1, 24), { idempotencyKey: 'key-busy' })).resolves.toMatchObject({ status: 'pending' });
  });

  it('hands a waiting retry the answer of the first request as soon as it is stored', async () => {
    const request = holdRequest(2, 24);
    const first = await service.placeHold(request, { idempotencyKey: 'key-wait' });
    // Put the first request back in flight, its answer ready to be stored.
    const setState = (state: string) =>
      db.em.fork().getConnection().execute(`update idempotency_key set state = ? where key = ?`, [state, 'key-wait']);
    await setState('in_flight');
    let settled = false;
    const retry = service.placeHold(request, { idempotencyKey: 'key-wait' }).finally(() => {
      settled = true;
    });
    await clock.sleeping();
    expect(settled).toBe(false);
    await setState('done');
    clock.advance(50);
    expect(await retry).toEqual(first);
    expect((await service.listBookings({ limit: 50 })).bookings).toHaveLength(1);
  });

  it('lets concurrent retries with one key create exactly one hold', async () => {
    const request = holdRequest(3, 24);
    const calls = Array.from({ length: 8 }, () => service.placeHold(request, { idempotencyKey: 'key-3' }));
    // While the clock stands still no retry gives up: the first answer comes from the call that ran.
    await Promise.race(calls);
    await timeOnClock(Promise.all(calls));
    const results = await Promise.all(calls);
    expect(new Set(results.map((b) => b.id)).size).toBe(1);
  });
});

describe('the sweeper', () => {
  it('persists expired on lapsed holds only, and is idempotent', async () => {
    const lapsing = await service.placeHold(holdRequest(1, 24));
    clock.advance(HOLD_MS / 2);
    const live = await service.placeHold(holdRequest(2, 24));
    clock.set(T0 + HOLD_MS);
    expect((await service.sweep()).expiredHolds).toBe(1);
    expect((await service.sweep()).expiredHolds).toBe(0);
    expect((await service.getBooking(lapsing.id)).status).toBe('expired');
    expect((await service.getBooking(live.id)).status).toBe('pending');
    const rows = await db.em.fork().getConnection().execute("select status from booking where id = ?", [lapsing.id]);
    expect(rows[0]?.status).toBe('expired');
  });
});
});
