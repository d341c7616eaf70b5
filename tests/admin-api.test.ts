import { describe, expect, it } from 'vitest';
import { testDrivers } from '@escape-room/test-utils';
import { fixedHours } from './support/http.js';
import { TEST_ADMIN_KEY } from './support/server.js';
import { sql } from './support/sql.js';
import { useServer } from './support/use-server.js';

const { holdBody } = fixedHours();

const bootstrap = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe.each(testDrivers())('admin operations on %s', (driver) => {
  const ctx = useServer({}, driver);
  const { api } = ctx;

  it('creates, uses, lists and revokes API keys; only a hash is stored', async () => {
    const created = await api('POST', '/admin/keys', { body: { name: 'front desk' }, headers: bootstrap });
    expect(created.status).toBe(201);
    const { key, secret } = created.body;
    expect(key).toMatchObject({ name: 'front desk', last_used_at: null, revoked_at: null });
    expect(secret).toMatch(/^erk_ak_[a-z0-9]{8}_[\w-]{43}$/);

    expect((await api('GET', '/bookings', { headers: bearer(secret) })).status).toBe(200);
    const listed = await api('GET', '/admin/keys', { headers: bearer(secret) });
    expect(listed.body.keys).toHaveLength(1);
    expect(listed.body.keys[0].last_used_at).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(secret.split('_').at(-1));

    const stored = await sql<{ secret_hash: string }>(ctx.databaseUrl, 'select secret_hash from admin_key');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(secret.split('_').at(-1));

    const revoked = await api('DELETE', `/admin/keys/${key.id}`, { headers: bootstrap });
    expect(revoked.body.key.revoked_at).not.toBeNull();
    const refused = await api('GET', '/bookings', { headers: bearer(secret) });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');

    const forged = `${secret.slice(0, -4)}AAAA`;
    expect((await api('GET', '/bookings', { headers: bearer(forged) })).body.code).toBe('UNAUTHORIZED');
    expect((await api('GET', '/admin/keys', {})).status).toBe(401);
    expect((await api('DELETE', '/admin/keys/ak_missing0', { headers: bootstrap })).body.code).toBe('KEY_NOT_FOUND');
  });

  it('creates, updates and archives rooms; an archived room takes no holds and keeps its history', async () => {
    const created = await api('POST', '/admin/rooms', { body: { name: 'The Lighthouse', description: 'Storm.', price: 34.5 }, headers: bootstrap });
    expect(created.status).toBe(201);
    const room = created.body.room;
    expect(room).toMatchObject({ name: 'The Lighthouse', price: 34.5, archived_at: null });
    expect(room.id).toBeGreaterThan(1000);
    expect((await api('GET', '/rooms')).body.rooms.map((r: { id: number }) => r.id)).toContain(room.id);

    const updated = await api('PATCH', `/admin/rooms/${room.id}`, { body: { price: 36 }, headers: bootstrap });
    expect(updated.body.room).toMatchObject({ name: 'The Lighthouse', price: 36 });
    expect((await api('PATCH', `/admin/rooms/${room.id}`, { body: { price: '36' }, headers: bootstrap })).status).toBe(400);
    expect((await api('PATCH', `/admin/rooms/${room.id}`, { body: { price: 1.005 }, headers: bootstrap })).status).toBe(400);

    const held = (await api('POST', '/bookings', { body: { ...holdBody(1, 24), room_id: room.id } })).body.booking;
    const archived = await api('DELETE', `/admin/rooms/${room.id}`, { headers: bootstrap });
    expect(archived.body.room.archived_at).not.toBeNull();

    expect((await api('GET', '/rooms')).body.rooms.map((r: { id: number }) => r.id)).not.toContain(room.id);
    const range = holdBody(1, 30);
    const free = await api('GET', `/availability?start_date=${range.start_date}&end_date=${range.end_date}`);
    expect(free.body.rooms.map((r: { id: number }) => r.id)).not.toContain(room.id);
    const refused = await api('POST', '/bookings', { body: { ...holdBody(1, 30), room_id: room.id } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('ROOM_ARCHIVED');
    expect((await api('GET', `/bookings/${held.id}`)).body.booking.room.name).toBe('The Lighthouse');
    expect((await api('GET', `/rooms/${room.id}`)).status).toBe(200);
    const all = await api('GET', '/admin/rooms', { headers: bootstrap });
    expect(all.body.rooms.find((r: { id: number }) => r.id === room.id).archived_at).not.toBeNull();
  });

  it('cancels any live booking, for admins only', async () => {
    const hold = (await api('POST', '/bookings', { body: holdBody(2, 24) })).body.booking;
    expect((await api('DELETE', `/admin/bookings/${hold.id}`)).status).toBe(401);
    const cancelled = await api('DELETE', `/admin/bookings/${hold.id}`, { headers: bootstrap });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.booking.status).toBe('cancelled');
    expect((await api('DELETE', `/admin/bookings/${hold.id}`, { headers: bootstrap })).body.code).toBe('INVALID_STATE');
    expect((await api('POST', '/bookings', { body: holdBody(2, 24) })).status).toBe(201);
  });
});
