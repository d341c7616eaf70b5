import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HoldInput } from '../contract/index.js';
import { ManualClock } from '../domain/clock.js';
import type { Database } from '../db/orm.js';
import { freshDatabase } from '../test-support.js';
import { testDrivers } from '@escape-room/test-utils/databases';
import { createBookingService, type BookingApi } from './index.js';

// A new reference that matches a stored one (one chance in billions) is drawn again. The draw is
// scripted here so the collision happens on every run.
const draws = vi.hoisted(() => ({ queue: [] as string[] }));
vi.mock('./ids.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./ids.js')>();
  return { ...original, newReference: () => draws.queue.shift() ?? original.newReference() };
});

const T0 = Date.UTC(2030, 0, 1, 9);
const HOUR = 3_600_000;

describe.each(testDrivers())('reference collisions on %s', (driver) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let service: BookingApi;
  beforeEach(async () => {
    ({ db, dispose } = await freshDatabase(driver));
    service = createBookingService({ db, clock: new ManualClock(T0), policy: { holdMs: 300_000, maxHoldMs: 900_000, maxLiveHoldsPerGuest: 2 } });
  });
  afterEach(() => dispose());

  const hold = (roomId: number, email: string) =>
    service.placeHold(
      HoldInput.parse({ room_id: roomId, guest: { name: 'G', email }, start_date: new Date(T0 + 24 * HOUR).toISOString(), end_date: new Date(T0 + 25 * HOUR).toISOString() }),
    );

  it('draws again when a new reference is taken, and keeps everything else of the hold', async () => {
    draws.queue.push('KKKKKKKK', 'KKKKKKKK', 'KKKKKKKK', 'MMMMMMMM');
    expect((await hold(1, 'a@example.com')).reference).toBe('KKKKKKKK');
    const second = await hold(2, 'b@example.com');
    expect(second).toMatchObject({ reference: 'MMMMMMMM', status: 'pending', room_id: 2 });
    expect(draws.queue).toEqual([]);
    expect((await service.listBookings({ limit: 50 })).bookings).toHaveLength(2);
  });

  it('gives up after five draws rather than loop', async () => {
    draws.queue.push(...Array.from({ length: 6 }, () => 'PPPPPPPP'));
    await hold(1, 'a@example.com');
    await expect(hold(2, 'b@example.com')).rejects.toThrow(/reference/);
    expect(draws.queue).toEqual([]);
    expect((await service.listBookings({ limit: 50 })).bookings).toHaveLength(1);
  });
});
