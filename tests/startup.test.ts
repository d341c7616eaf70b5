import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, fixedHours } from './support/http.js';
import { emptyDatabase } from '@escape-room/test-utils';
import { runScript, startServer } from './support/server.js';

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
  ])('refuses %s=%s with a message naming the variable', async (name, value) => {
    const result = await runScript('main.js', { DATABASE_URL: db.url, [name]: value });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain(name);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('migrations and room seeding', () => {
  it('db:migrate applies the schema and loads the rooms once, however often it runs', async () => {
    const first = await runScript('migrate.js', { DATABASE_URL: db.url });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Migrations applied: Migration\d+_initial/);
    expect(first.stdout).toContain('Rooms loaded: 10');
    const second = await runScript('migrate.js', { DATABASE_URL: db.url });
    expect(second.stdout).toContain('Migrations applied: none pending');

    const server = await startServer({ DATABASE_URL: db.url });
    try {
      expect((await call(server.url, 'GET', '/api/v1/rooms')).body.rooms).toHaveLength(10);
    } finally {
      await server.stop();
    }
  });

  it('a restart with an edited rooms file updates rooms, keeps the others and their bookings', async () => {
    const roomsFile = join(dirname(db.url.slice('sqlite:'.length)), 'rooms.json');
    const original = JSON.parse(await readFile(new URL('../data/rooms.json', import.meta.url), 'utf8')) as { id: number; price: number }[];
    await writeFile(roomsFile, JSON.stringify(original));
    let server = await startServer({ DATABASE_URL: db.url, ROOMS_FILE: roomsFile });
    const hold = await call(server.url, 'POST', '/api/v1/bookings', {
      body: { room_id: 10, guest: { name: 'Ada', email: 'ada@example.com' }, ...slot(24) },
    });
    expect(hold.status).toBe(201);
    expect(await server.stop()).toBe(0);

    const edited = original.filter((room) => room.id !== 10).map((room) => (room.id === 1 ? { ...room, price: 11.25 } : room));
    await writeFile(roomsFile, JSON.stringify(edited));
    server = await startServer({ DATABASE_URL: db.url, ROOMS_FILE: roomsFile });
    try {
      const rooms = (await call(server.url, 'GET', '/api/v1/rooms')).body.rooms;
      expect(rooms).toHaveLength(10);
      expect(rooms[0].price).toBe(11.25);
      expect((await call(server.url, 'GET', `/api/v1/bookings/${hold.body.booking.id}`)).body.booking.room_id).toBe(10);
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
