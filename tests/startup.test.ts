import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, fixedHours } from './support/http.js';
import { emptyDatabase } from '@escape-room/test-utils';
import { TEST_ADMIN_KEY, runScript, startServer } from './support/server.js';

const { slot } = fixedHours();

let db: Awaited<ReturnType<typeof emptyDatabase>>;
beforeEach(async () => {
  db = await emptyDatabase('sqlite');
});
afterEach(() => db.dispose());

describe('configuration', () => {
  it.each([
    ['PORT', 'not-a-port'],
    ['PORT', '70000'],
    ['BOOKING_HOLD_MINUTES', '-1'],
    ['BOOKING_HOLD_MINUTES', 'five'],
    ['DATABASE_URL', 'mysql://localhost/escape'],
    ['LOG_LEVEL', 'loud'],
    ['ADMIN_API_KEY', 'short'],
    ['MAX_LIVE_HOLDS_PER_GUEST', '0'],
  ])('refuses %s=%s with a message naming the variable', async (name, value) => {
    const result = await runScript('main.js', { DATABASE_URL: db.url, [name]: value });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain(name);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('migrations and room seeding', () => {
  it('db:migrate applies the schema and loads the shipped rooms once, however often it runs', async () => {
    const first = await runScript('migrate.js', { DATABASE_URL: db.url });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Migrations applied: Migration\d+_initial/);
    expect(first.stdout).toContain('Rooms added: 11');
    const second = await runScript('migrate.js', { DATABASE_URL: db.url });
    expect(second.stdout).toContain('Migrations applied: none pending');
    expect(second.stdout).toContain('Rooms added: 0');

    const server = await startServer({ DATABASE_URL: db.url });
    try {
      const rooms = (await call(server.url, 'GET', '/api/v1/rooms')).body.rooms as { id: number; scheduled: boolean }[];
      // The original ten free-range rooms, and the demo room the booking page sells sessions of.
      expect(rooms.map((room) => [room.id, room.scheduled])).toEqual([...Array.from({ length: 10 }, (_, i) => [i + 1, false]), [11, true]]);
    } finally {
      await server.stop();
    }
  });

  it('a restart adds the rooms the files add, and never overwrites what the venue changed since', async () => {
    const dir = dirname(db.url.slice('sqlite:'.length));
    const roomsFile = join(dir, 'rooms.json');
    const venueFile = join(dir, 'venue.json');
    const original = JSON.parse(await readFile(new URL('../data/rooms.json', import.meta.url), 'utf8')) as { id: number; name: string; price: number }[];
    await writeFile(roomsFile, JSON.stringify(original));
    await writeFile(venueFile, JSON.stringify({ name: 'Locked In', timezone: 'Europe/Paris', currency: 'EUR' }));
    const files = { DATABASE_URL: db.url, ROOMS_FILE: roomsFile, VENUE_FILE: venueFile };
    const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

    let server = await startServer(files);
    const hold = await call(server.url, 'POST', '/api/v1/bookings', {
      body: { room_id: 10, guest: { name: 'Ada', email: 'ada@example.com' }, ...slot(24) },
    });
    expect(hold.status).toBe(201);
    expect((await call(server.url, 'GET', '/api/v1/venue')).body.venue).toMatchObject({ name: 'Locked In', timezone: 'Europe/Paris' });
    // The venue's own changes, which no restart may undo.
    expect((await call(server.url, 'PATCH', '/api/v1/admin/rooms/2', { headers: admin, body: { name: 'The Vault' } })).status).toBe(200);
    expect((await call(server.url, 'PATCH', '/api/v1/admin/venue', { headers: admin, body: { min_notice_minutes: 60 } })).status).toBe(200);
    expect(await server.stop()).toBe(0);

    const edited = [
      ...original.filter((room) => room.id !== 10).map((room) => (room.id === 1 ? { ...room, price: 11.25 } : room)),
      { id: 12, name: 'Room 12', description: 'New this season', price: 30 },
    ];
    await writeFile(roomsFile, JSON.stringify(edited));
    await writeFile(venueFile, JSON.stringify({ name: 'Renamed in the file', timezone: 'America/New_York', currency: 'USD' }));
    server = await startServer(files);
    try {
      const rooms = (await call(server.url, 'GET', '/api/v1/rooms')).body.rooms as { id: number; name: string; price: number }[];
      expect(rooms.map((room) => room.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(rooms[0]!.price).toBe(10);
      expect(rooms[1]!.name).toBe('The Vault');
      expect(rooms[11]!.name).toBe('Room 12');
      expect((await call(server.url, 'GET', `/api/v1/bookings/${hold.body.booking.id}`)).body.booking.room_id).toBe(10);
      expect((await call(server.url, 'GET', '/api/v1/venue')).body.venue).toMatchObject({
        name: 'Locked In',
        timezone: 'Europe/Paris',
        currency: 'EUR',
        min_notice_minutes: 60,
      });
    } finally {
      await server.stop();
    }
  });
});

describe('shutdown', () => {
  it('SIGTERM closes the server cleanly with exit code 0', async () => {
    const server = await startServer({ DATABASE_URL: db.url });
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.logs.some((line) => line.includes('shutting down'))).toBe(true);
  });
});
