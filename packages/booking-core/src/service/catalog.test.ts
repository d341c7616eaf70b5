import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyDatabase, freeRangeRoomsFile, testDrivers } from '@escape-room/test-utils/databases';
import { CreateRoomInput, DEFAULT_VENUE, HoldInput, ScheduleSchema, SessionsInput, UpdateRoomInput, UpdateVenueInput, WEEKDAYS } from '../contract/index.js';
import { ManualClock } from '../domain/clock.js';
import type { CatalogRoomRow } from '../db/catalog-sql.js';
import { databaseTarget, migrate, openDatabase, type Database } from '../db/index.js';
import { sqlRunner } from '../db/sql.js';
import { createCatalog, readCatalog } from './catalog.js';
import { createBookingService, type BookingApi } from './index.js';
import { readRoomsFile, seedDatabase } from './seed.js';

// The catalog cache against two instances on one database (two connections, as two server
// processes have): whatever one of them changes, or any other writer, the other's next read sees.

const T0 = Date.UTC(2030, 0, 1, 9, 0);
const DATE = '2030-01-07'; // a Monday, after T0
const daily = (rule: unknown) => Object.fromEntries(WEEKDAYS.map((day) => [day, rule]));
const SCHEDULE = ScheduleSchema.parse({ session_minutes: 60, weekly: daily({ starts: ['10:00', '12:00'] }), exceptions: [] });

describe.each(testDrivers())('the catalog cache on %s', (driver) => {
  let a: Database;
  let b: Database;
  let dispose: () => Promise<void>;
  let serviceA: BookingApi;
  let serviceB: BookingApi;

  beforeEach(async () => {
    const empty = await emptyDatabase(driver);
    a = await openDatabase(databaseTarget(empty.url));
    await migrate(a);
    await seedDatabase(a, { rooms: await readRoomsFile(freeRangeRoomsFile()) }, T0);
    b = await openDatabase(databaseTarget(empty.url));
    const deps = (db: Database) => ({ db, clock: new ManualClock(T0), policy: { holdMs: 300_000, maxHoldMs: 900_000, maxLiveHoldsPerGuest: 2 } });
    serviceA = createBookingService(deps(a));
    serviceB = createBookingService(deps(b));
    dispose = async () => {
      await a.close(true);
      await b.close(true);
      await empty.dispose();
    };
  });
  afterEach(() => dispose());

  const sessionsOf = async (service: BookingApi) => (await service.listSessions(SessionsInput.parse({ date: DATE }))).sessions;
  const version = async (db: Database) => (await readCatalog(db)).version;

  it('keeps serving one catalog while nothing changes, holds included', async () => {
    await serviceB.setSchedule(1, SCHEDULE);
    const first = await readCatalog(b);
    const [session] = await sessionsOf(serviceB);
    await serviceA.placeHold(HoldInput.parse({ room_id: 1, guest: { name: 'Ada', email: 'ada@example.com' }, start_date: session?.start_date, end_date: session?.end_date }));
    expect(await readCatalog(b)).toBe(first);
    expect((await sessionsOf(serviceB)).map((s) => s.status)).toEqual(['held', 'available']);
  });

  it("sees the other instance's change of a room, a schedule, an archive, a new room and the venue at its next read", async () => {
    expect(await serviceB.listRooms()).toHaveLength(10);
    expect(await sessionsOf(serviceB)).toEqual([]);

    await serviceA.setSchedule(3, SCHEDULE);
    expect((await sessionsOf(serviceB)).map((s) => [s.room_id, s.local_start])).toEqual([
      [3, `${DATE}T10:00:00+00:00`],
      [3, `${DATE}T12:00:00+00:00`],
    ]);

    await serviceA.updateRoom(UpdateRoomInput.parse({ room_id: 3, name: 'The Vault', price: 30 }));
    expect(await serviceB.getRoom(3)).toMatchObject({ name: 'The Vault', price: 30 });
    expect((await sessionsOf(serviceB))[0]?.price.total).toBe(30);

    await serviceA.archiveRoom(3);
    expect((await serviceB.listRooms()).map((r) => r.id)).not.toContain(3);
    expect(await serviceB.getRoom(3)).toMatchObject({ id: 3 });
    expect(await sessionsOf(serviceB)).toEqual([]);

    const created = await serviceA.createRoom(CreateRoomInput.parse({ name: 'New', description: 'Fresh', price: 5 }));
    expect((await serviceB.listRooms()).map((r) => r.id)).toContain(created.id);
    expect((await serviceB.availableRooms({ start_date: T0 + 86_400_000, end_date: T0 + 90_000_000 })).map((r) => r.id)).toContain(created.id);

    await serviceA.updateVenue(UpdateVenueInput.parse({ timezone: 'Europe/Paris', name: 'Elsewhere' }));
    expect(await serviceB.getVenue()).toMatchObject({ timezone: 'Europe/Paris', name: 'Elsewhere' });
    await serviceA.setSchedule(4, SCHEDULE);
    expect((await sessionsOf(serviceB)).map((s) => s.local_start)).toEqual([`${DATE}T10:00:00+01:00`, `${DATE}T12:00:00+01:00`]);
  });

  it('sees writes that bypass the service (an admin script, a migration), and not those rolled back', async () => {
    await serviceA.updateVenue(UpdateVenueInput.parse({ name: 'Stored' }));
    expect(await serviceB.getVenue()).toMatchObject({ name: 'Stored' });
    const before = await version(b);
    await sqlRunner(a).run({ text: `update room set name = 'Renamed' where id = 2`, params: [] });
    expect(await serviceB.getRoom(2)).toMatchObject({ name: 'Renamed' });
    await sqlRunner(a).run({ text: 'delete from venue', params: [] });
    expect(await serviceB.getVenue()).toEqual(DEFAULT_VENUE);
    const changed = await version(b);
    expect(changed).toBeGreaterThan(before);

    await expect(
      sqlRunner(a).transaction(async (sql) => {
        await sql.run({ text: `update room set name = 'Never' where id = 2`, params: [] });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await version(b)).toBe(changed);
    expect(await serviceB.getRoom(2)).toMatchObject({ name: 'Renamed' });
  });

  it('hands out rooms no caller can change under the next one', async () => {
    const rooms = await serviceB.listRooms();
    rooms.pop();
    expect(await serviceB.listRooms()).toHaveLength(10);
    expect(() => Object.assign((rooms[0] ?? {}) as object, { name: 'mutated' })).toThrow(TypeError);
  });

  it('never serves a room older than the last change committed before the read began', async () => {
    const progress = { committed: 20, writing: true }; // 20: data/rooms.json's price of room 5
    const writer = (async () => {
      for (let price = 21; price <= 40; price++) {
        await serviceA.updateRoom(UpdateRoomInput.parse({ room_id: 5, price }));
        progress.committed = price;
      }
      progress.writing = false;
    })();
    do {
      const floor = progress.committed;
      expect((await serviceB.getRoom(5)).price).toBeGreaterThanOrEqual(floor);
    } while (progress.writing);
    await writer;
    expect(await serviceB.getRoom(5)).toMatchObject({ price: 40 });
  });
});

describe('what a catalog remembers of sessions', () => {
  const rows: CatalogRoomRow[] = [1, 2, 3].map((id) => ({
    id,
    name: `Room ${id}`,
    description: '',
    price_cents: 1000,
    price_per: 'booking',
    price_tiers: '[]',
    min_players: 1,
    max_players: null,
    buffer_minutes: 0,
    scheduled: 1,
    archived: 0,
    schedule: JSON.stringify(SCHEDULE),
  }));
  const dates = Array.from({ length: 20 }, (_, i) => `2030-01-${String(i + 1).padStart(2, '0')}`);

  it('stays within its bound, forgetting the least recently asked date first', () => {
    // 3 rooms x 2 sessions a day: 6 a date, so 5 dates fit in 30.
    const catalog = createCatalog(1, DEFAULT_VENUE, rows, 30);
    const first = catalog.sessionsOn(dates[0]!);
    for (const date of dates.slice(1, 5)) catalog.sessionsOn(date);
    expect(catalog.rememberedSessions).toBe(30);
    expect(catalog.sessionsOn(dates[0]!)).toBe(first); // asked again: now the most recent
    for (const date of dates.slice(5)) {
      catalog.sessionsOn(date);
      expect(catalog.rememberedSessions).toBeLessThanOrEqual(30);
    }
    expect(catalog.sessionsOn(dates[19]!)).toBe(catalog.sessionsOn(dates[19]!));
    expect(catalog.sessionsOn(dates[0]!)).not.toBe(first);
    expect(catalog.sessionsOn(dates[0]!)).toEqual(first);
  });

  it('serves a date larger than its bound without keeping it', () => {
    const catalog = createCatalog(1, DEFAULT_VENUE, rows, 5);
    expect(catalog.sessionsOn(dates[0]!)).toHaveLength(6);
    expect(catalog.rememberedSessions).toBe(0);
  });
});
