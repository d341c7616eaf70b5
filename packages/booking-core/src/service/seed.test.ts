import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyDatabase, testDrivers } from '@escape-room/test-utils/databases';
import { ScheduleSchema, UpdateRoomInput, UpdateVenueInput } from '../contract/index.js';
import { ManualClock } from '../domain/clock.js';
import { databaseTarget, migrate, openDatabase, type Database } from '../db/index.js';
import { createBookingService, readRoomsFile, readVenueFile, seedDatabase, type BookingApi } from './index.js';

// data/venue.json and data/rooms.json give a fresh install its first values, and never
// overwrite what the venue changed since: every start-up seeds again, insert-only.

const T0 = Date.UTC(2030, 0, 1, 9);

describe.each(testDrivers())('seeding on %s', (driver) => {
  let db: Database;
  let disposeDb: () => Promise<void>;
  let dir: string;
  let service: BookingApi;

  beforeEach(async () => {
    const empty = await emptyDatabase(driver);
    db = await openDatabase(databaseTarget(empty.url));
    disposeDb = async () => {
      await db.close(true);
      await empty.dispose();
    };
    await migrate(db);
    dir = await mkdtemp(join(tmpdir(), 'escape-seed-'));
    service = createBookingService({ db, clock: new ManualClock(T0), policy: { holdMs: 300_000, maxHoldMs: 900_000, maxLiveHoldsPerGuest: 2 } });
  });
  afterEach(async () => {
    await disposeDb();
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes the two files and seeds from them, as a start-up does. */
  async function seedFrom(venue: unknown, rooms: unknown) {
    await writeFile(join(dir, 'venue.json'), JSON.stringify(venue));
    await writeFile(join(dir, 'rooms.json'), JSON.stringify(rooms));
    const files = { venue: await readVenueFile(join(dir, 'venue.json')), rooms: await readRoomsFile(join(dir, 'rooms.json')) };
    return seedDatabase(db, files, T0);
  }

  const weekly = { session_minutes: 60, weekly: { sat: { open: '10:00', close: '14:00' } } };
  const firstVenue = { name: 'Locked In', timezone: 'europe/paris', currency: 'EUR', min_notice_minutes: 60, cancellation_cutoff_hours: 24 };
  const firstRooms = [
    { id: 1, name: 'Lighthouse', price: 30, price_per: 'player', min_players: 2, max_players: 6, buffer_minutes: 15, schedule: weekly },
    { id: 2, name: 'Vault', price: 120, price_tiers: [{ min_players: 6, price: 150 }] },
  ];

  it('gives a fresh install the files’ values', async () => {
    expect(await seedFrom(firstVenue, firstRooms)).toEqual({ addedRooms: 2 });
    expect(await service.getVenue()).toEqual({
      name: 'Locked In',
      timezone: 'Europe/Paris',
      currency: 'EUR',
      min_notice_minutes: 60,
      horizon_days: null,
      cancellation_cutoff_hours: 24,
    });
    expect(await service.getRoom(1)).toMatchObject({ price: 30, price_per: 'player', min_players: 2, max_players: 6, buffer_minutes: 15, scheduled: true });
    expect(await service.getSchedule(1)).toEqual(ScheduleSchema.parse(weekly));
    expect(await service.getRoom(2)).toMatchObject({ price: 120, price_per: 'booking', price_tiers: [{ min_players: 6, price: 150 }], scheduled: false });
  });

  it('never overwrites a setting or a room, edited or not, when the files change; only adds new rooms', async () => {
    await seedFrom(firstVenue, firstRooms);
    await service.updateVenue(UpdateVenueInput.parse({ min_notice_minutes: 90 }));
    await service.updateRoom(UpdateRoomInput.parse({ room_id: 1, price: 35, buffer_minutes: 10 }));
    await service.setSchedule(1, ScheduleSchema.parse({ session_minutes: 60, weekly: { sun: { starts: ['10:00'] } } }));
    const venueBefore = await service.getVenue();
    const roomsBefore = await service.listAllRooms();
    const scheduleBefore = await service.getSchedule(1);

    const changedVenue = { name: 'Renamed', timezone: 'America/New_York', currency: 'USD', min_notice_minutes: 0, horizon_days: 30, cancellation_cutoff_hours: 0 };
    const changedRooms = [
      { id: 1, name: 'Lighthouse II', price: 99, min_players: 1, buffer_minutes: 0, schedule: { session_minutes: 30, weekly: { mon: { starts: ['09:00'] } } } },
      { id: 2, name: 'Vault II', price: 1 },
      { id: 3, name: 'Newcomer', price: 40 },
    ];
    expect(await seedFrom(changedVenue, changedRooms)).toEqual({ addedRooms: 1 });

    expect(await service.getVenue()).toEqual(venueBefore);
    expect(venueBefore).toMatchObject({ name: 'Locked In', min_notice_minutes: 90 });
    const roomsAfter = await service.listAllRooms();
    expect(roomsAfter.slice(0, 2)).toEqual(roomsBefore);
    expect(roomsAfter[0]).toMatchObject({ name: 'Lighthouse', price: 35, buffer_minutes: 10 });
    expect(await service.getSchedule(1)).toEqual(scheduleBefore);
    expect(roomsAfter[2]).toMatchObject({ id: 3, name: 'Newcomer', price: 40 });

    // And a third start-up with the same files changes nothing more.
    expect(await seedFrom(changedVenue, changedRooms)).toEqual({ addedRooms: 0 });
  });

  it('refuses a rooms file with prices the venue currency cannot express, or an overlapping schedule', async () => {
    await expect(seedFrom({ currency: 'JPY' }, [{ id: 1, name: 'Yen', price: 1500.5 }])).rejects.toThrow(/JPY/);
    await expect(
      seedFrom({}, [{ id: 2, name: 'Tight', price: 10, buffer_minutes: 15, schedule: { session_minutes: 60, weekly: { mon: { starts: ['10:00', '11:00'] } } } }]),
    ).rejects.toThrow(/Room 2's schedule/);
  });
});
