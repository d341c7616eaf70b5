import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvailabilityInput, HoldInput, ListBookingsInput } from '@escape-room/booking-core/contract';
import { databaseTarget, migrate, openDatabase, type Database } from '@escape-room/booking-core/db';
import { BookingError, ManualClock } from '@escape-room/booking-core/domain';
import { createBookingService, type BookingApi } from '@escape-room/booking-core/service';
import { createPostgresDatabase, testDrivers, type TestDriver } from '@escape-room/test-utils';
import { startServer } from './support/server.js';
import { sql } from './support/sql.js';

// Databases made by release 0.1.0 (Node 20, MikroORM 6) with tests/fixtures/upgrade/make.sh:
// one of every stored thing, listed in the manifest. Today's code must open them as they are.
const FIXTURES = fileURLToPath(new URL('./fixtures/upgrade/', import.meta.url));
const RELEASE = 'release-0.1.0';

interface Manifest {
  bookings: Record<
    'stored_expired' | 'lapsed_pending' | 'live_hold' | 'confirmed' | 'released' | 'cancelled' | 'venue_cancelled' | 'long_confirmed',
    string
  >;
  admin_keys: Record<'live' | 'revoked', { id: string; secret: string }>;
  rooms: { created: number; archived: number; renamed: number };
  idempotency_key: string;
  made_at: string;
}

/** A copy of the release's database for `driver`, and a way to throw it away. */
async function restoreFixture(driver: TestDriver): Promise<{ url: string; manifest: Manifest; dispose(): Promise<void> }> {
  if (driver === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'escape-room-upgrade-'));
    await copyFile(join(FIXTURES, `${RELEASE}.sqlite`), join(dir, 'old.sqlite'));
    const manifest = JSON.parse(await readFile(join(FIXTURES, `${RELEASE}.manifest.json`), 'utf8')) as Manifest;
    return { url: `sqlite:${join(dir, 'old.sqlite')}`, manifest, dispose: () => rm(dir, { recursive: true, force: true }) };
  }
  const database = await createPostgresDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(await readFile(join(FIXTURES, `${RELEASE}.postgres.sql`), 'utf8'));
  } finally {
    await client.end();
  }
  const manifest = JSON.parse(await readFile(join(FIXTURES, `${RELEASE}.postgres-manifest.json`), 'utf8')) as Manifest;
  return { url: database.url, manifest, dispose: database.drop };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (error instanceof BookingError) return error.code;
  throw new Error(`expected a BookingError, got ${String(error)}`);
}

describe.each(testDrivers())('a %s database made by release 0.1.0', (driver) => {
  let fixture: Awaited<ReturnType<typeof restoreFixture>>;
  let db: Database;
  let service: BookingApi;
  let applied: string[];
  let m: Manifest;

  beforeAll(async () => {
    fixture = await restoreFixture(driver);
    m = fixture.manifest;
    db = await openDatabase(databaseTarget(fixture.url));
    applied = await migrate(db);
    // A minute after the fixture was made: its live hold (24 hours long) is still live.
    const clock = new ManualClock(Date.parse(m.made_at) + 60_000);
    service = createBookingService({ db, clock, policy: { holdMs: 300_000, maxHoldMs: 900_000, maxLiveHoldsPerGuest: 2 } });
  });
  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- still undefined if beforeAll failed
    await db?.close(true);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- still undefined if beforeAll failed
    await fixture?.dispose();
  });

  it('runs only the migrations the release did not have', async () => {
    expect(applied.every((name) => name > 'Migration20261124010000_booking_extent')).toBe(true);
    expect(await migrate(db)).toEqual([]);
  });

  it('keeps every room, the created, renamed and archived ones included', async () => {
    const rooms = await service.listAllRooms();
    expect(rooms.map((room) => room.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, m.rooms.created, m.rooms.archived]);
    expect(rooms.find((room) => room.id === m.rooms.renamed)).toMatchObject({ name: 'Room 3 (renamed)', price: 19.99, archived_at: null });
    expect(rooms.find((room) => room.id === m.rooms.created)).toMatchObject({ name: 'The Lighthouse', price: 34.5 });
    expect(rooms.find((room) => room.id === m.rooms.archived)?.archived_at).toEqual(expect.any(String));
    expect((await service.listRooms()).map((room) => room.id)).not.toContain(m.rooms.archived);
  });

  it('keeps every booking with its status, slot and guest as typed', async () => {
    const expected: Record<keyof Manifest['bookings'], string> = {
      stored_expired: 'expired',
      lapsed_pending: 'expired',
      live_hold: 'pending',
      confirmed: 'confirmed',
      released: 'released',
      cancelled: 'cancelled',
      venue_cancelled: 'cancelled',
      long_confirmed: 'confirmed',
    };
    for (const [name, status] of Object.entries(expected)) {
      const booking = await service.getBooking(m.bookings[name as keyof Manifest['bookings']]);
      expect(booking.status, name).toBe(status);
    }
    const live = await service.getBooking(m.bookings.live_hold);
    expect(live).toMatchObject({
      room_id: 1,
      start_date: '2031-06-01T10:00:00.000Z',
      end_date: '2031-06-01T11:00:00.000Z',
      guest: { name: 'Ada Lovelace', email: 'Ada@Example.com' },
      room: { id: 1, price: 10 },
    });
    const page = await service.listBookings({ limit: 100 });
    expect(page.bookings).toHaveLength(Object.keys(expected).length);
  });

  it('gives every earlier booking a distinct reference, one player, and its room\'s price in the venue\'s currency', async () => {
    const { bookings } = await service.listBookings({ limit: 100 });
    const references = bookings.map((b) => b.reference);
    expect(new Set(references).size).toBe(bookings.length);
    for (const reference of references) expect(reference).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
    for (const booking of bookings) {
      expect(booking.players).toBe(1);
      // Held before prices were locked: the room's flat price, as the release charged.
      expect(booking.price).toEqual({ total: booking.room.price, currency: 'EUR' });
    }
    // Each is found by its reference, whatever its case.
    const [first] = bookings;
    expect((await service.listBookings(ListBookingsInput.parse({ reference: first!.reference.toLowerCase() }))).bookings.map((b) => b.id)).toEqual([first!.id]);
  });

  it('replays the hold stored under its idempotency key', async () => {
    const request = HoldInput.parse({
      room_id: 1,
      start_date: '2031-06-01T10:00:00Z',
      end_date: '2031-06-01T11:00:00Z',
      guest: { name: 'Ada Lovelace', email: 'Ada@Example.com' },
    });
    const replayed = await service.placeHold(request, { idempotencyKey: m.idempotency_key });
    expect(replayed.id).toBe(m.bookings.live_hold);
  });

  it('still knows which admin keys are live and which were revoked', async () => {
    expect(await service.verifyAdminKey(m.admin_keys.live.secret)).toMatchObject({ verdict: 'valid' });
    expect(await service.verifyAdminKey(m.admin_keys.revoked.secret)).toEqual({ verdict: 'revoked' });
    expect((await service.listAdminKeys()).map((key) => key.id).sort()).toEqual([m.admin_keys.live.id, m.admin_keys.revoked.id].sort());
  });

  it('still refuses double booking, through the service and behind its back', async () => {
    const overlapping = HoldInput.parse({
      room_id: 1,
      start_date: '2031-06-01T11:30:00Z',
      end_date: '2031-06-01T12:00:00Z',
      guest: { name: 'Eve', email: 'eve@example.com' },
    });
    expect(await codeOf(service.placeHold(overlapping))).toBe('SLOT_UNAVAILABLE');
    // Deep inside the 20-hour booking: the probe still looks back far enough (booking_extent kept).
    const insideLong = { start: '2031-06-03T19:00:00Z', end: '2031-06-03T19:30:00Z' };
    const free = await service.availableRooms(AvailabilityInput.parse({ start_date: insideLong.start, end_date: insideLong.end }));
    expect(free.map((room) => room.id)).not.toContain(4);

    const guest = (await sql<{ id: number }>(fixture.url, 'select id from guest order by id limit 1'))[0]!.id;
    const start = Date.parse('2031-06-01T11:15:00Z');
    const insert = `insert into booking (id, room_id, guest_id, status, start_at, end_at, created_at, updated_at, expires_at)
      values ('bk_behind_the_back', 1, ${guest}, 'confirmed', ${start}, ${start + 1_800_000}, 0, 0, null)`;
    await expect(sql(fixture.url, insert)).rejects.toThrow(/SLOT_UNAVAILABLE|booking_no_overlap/);
    // As an earlier release writes it (no reference, no buffer): the guard holds, and the row gets a reference.
    const after = Date.parse('2032-01-01T10:00:00Z');
    await sql(fixture.url, insert.replace('bk_behind_the_back', 'bk_old_writer').replace(String(start), String(after)).replace(String(start + 1_800_000), String(after + 1_800_000)));
    const [written] = await sql<{ reference: string }>(fixture.url, "select reference from booking where id = 'bk_old_writer'");
    expect(written?.reference).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
  });

  it('is served by today\'s server as it is', async () => {
    const server = await startServer({ DATABASE_URL: fixture.url, ADMIN_API_KEY: 'upgrade-bootstrap-key-0123' });
    try {
      const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}/api/v1${path}`, { headers });
      const confirmed = (await (await get(`/bookings/${m.bookings.confirmed}`)).json()) as { booking: { status: string } };
      expect(confirmed.booking.status).toBe('confirmed');
      expect((await get('/admin/keys', { authorization: `Bearer ${m.admin_keys.live.secret}` })).status).toBe(200);
      expect((await get('/admin/keys', { authorization: `Bearer ${m.admin_keys.revoked.secret}` })).status).toBe(403);
    } finally {
      await server.stop();
    }
  });
});
