import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, testDrivers } from '@escape-room/test-utils';
import { call } from './support/http.js';
import { startServer, TEST_ADMIN_KEY, type RunningServer } from './support/server.js';

// Each server process keeps the venue's catalog (settings, rooms, schedules) in memory. Whatever
// one instance changes, the other's very next read shows: no wait, no retry.

const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const DATE = '2031-03-03';
const daily = (starts: string[]) => Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, { starts }]));

describe.each(testDrivers())('the catalog cache of two server processes on one %s database', (driver) => {
  let servers: RunningServer[] = [];
  let db: Awaited<ReturnType<typeof emptyDatabase>>;

  beforeAll(async () => {
    db = await emptyDatabase(driver);
    const env = { DATABASE_URL: db.url };
    servers = [await startServer(env)];
    servers.push(await startServer(env));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- still undefined if beforeAll failed
    await db?.dispose();
  });

  const writer = () => servers[0]!.url;
  const reader = () => servers[1]!.url;
  const ok = async (method: string, path: string, body?: unknown) => {
    const response = await call(writer(), method, path, { headers: admin, ...(body === undefined ? {} : { body }) });
    expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
  };
  const read = async (path: string) => {
    const response = await call(reader(), 'GET', path);
    expect(response.status, path).toBe(200);
    return response.body;
  };
  const sessions = async () =>
    ((await read(`/api/v1/sessions?date=${DATE}`)) as { sessions: { room_id: number; local_start: string; price: { total: number } }[] }).sessions;

  it('a room changed on one instance reads changed on the other, over REST and tRPC', async () => {
    // Both instances have served (and so cached) the catalog before the change.
    expect((await read('/api/v1/rooms/4')).room.name).toBe('Room 4');
    expect((await call(writer(), 'GET', '/api/v1/rooms/4')).body.room.name).toBe('Room 4');
    await ok('PATCH', '/api/v1/admin/rooms/4', { name: 'The Vault', price: 44 });
    expect((await read('/api/v1/rooms/4')).room).toMatchObject({ name: 'The Vault', price: 44 });
    const listed = (await read('/trpc/rooms.list')) as { result: { data: { rooms: { id: number; name: string }[] } } };
    expect(listed.result.data.rooms.find((room) => room.id === 4)?.name).toBe('The Vault');
  });

  it("a schedule set, changed and cleared on one instance shows in the other's sessions", async () => {
    expect(await sessions()).toEqual([]);
    await ok('PUT', '/api/v1/admin/rooms/4/schedule', { session_minutes: 60, weekly: daily(['10:00']), exceptions: [] });
    expect((await sessions()).map((s) => [s.room_id, s.local_start.slice(11, 16), s.price.total])).toEqual([[4, '10:00', 44]]);
    await ok('PUT', '/api/v1/admin/rooms/4/schedule', { session_minutes: 60, weekly: daily(['11:00', '14:00']), exceptions: [] });
    expect((await sessions()).map((s) => s.local_start.slice(11, 16))).toEqual(['11:00', '14:00']);
    await ok('DELETE', '/api/v1/admin/rooms/4/schedule');
    expect(await sessions()).toEqual([]);
  });

  it("the venue's settings and a new or archived room on one instance show on the other", async () => {
    await ok('PATCH', '/api/v1/admin/venue', { name: 'Elsewhere', timezone: 'Asia/Tokyo' });
    expect((await read('/api/v1/venue')).venue).toMatchObject({ name: 'Elsewhere', timezone: 'Asia/Tokyo' });
    await ok('PUT', '/api/v1/admin/rooms/5/schedule', { session_minutes: 60, weekly: daily(['10:00']), exceptions: [] });
    expect((await sessions()).map((s) => s.local_start)).toEqual([`${DATE}T10:00:00+09:00`]);

    const created = await call(writer(), 'POST', '/api/v1/admin/rooms', { headers: admin, body: { name: 'New room', description: 'Fresh', price: 9 } });
    expect(created.status).toBe(201);
    const id = (created.body as { room: { id: number } }).room.id;
    expect(((await read('/api/v1/rooms')).rooms as { id: number }[]).map((room) => room.id)).toContain(id);
    await ok('DELETE', `/api/v1/admin/rooms/${id}`);
    expect(((await read('/api/v1/rooms')).rooms as { id: number }[]).map((room) => room.id)).not.toContain(id);
    const availability = await read('/api/v1/availability?start_date=2031-03-04T10:00:00Z&end_date=2031-03-04T11:00:00Z');
    expect((availability.rooms as { id: number }[]).map((room) => room.id)).not.toContain(id);
  });
});
