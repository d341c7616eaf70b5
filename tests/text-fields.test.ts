import { describe, expect, it } from 'vitest';
import { testDrivers } from '@escape-room/test-utils';
import { fixedHours, type JsonResponse } from './support/http.js';
import { TEST_ADMIN_KEY } from './support/server.js';
import { sql } from './support/sql.js';
import { useServer } from './support/use-server.js';

const { holdBody } = fixedHours();

const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

/** Every row a refused request could have touched, as the database holds it. */
async function storedRows(databaseUrl: string) {
  const tables = ['room', 'guest', 'booking', 'admin_key', 'idempotency_key'];
  const rows = await Promise.all(tables.map((table) => sql(databaseUrl, `select * from ${table} order by 1`)));
  return JSON.stringify(rows);
}

// The requests an outside fuzzer drove to a 500 with a NUL (the one in the hold's guest name on
// PostgreSQL only), and the guest's e-mail beside them: each must be a 400 naming the field.
const requests: [label: string, method: string, path: string, body: (text: string) => unknown, field: string][] = [
  ['room name on create', 'POST', '/admin/rooms', (text) => ({ name: text, price: 20 }), 'name'],
  ['room description on create', 'POST', '/admin/rooms', (text) => ({ name: 'Vault', description: text, price: 20 }), 'description'],
  ['room name on update', 'PATCH', '/admin/rooms/1', (text) => ({ name: text }), 'name'],
  ['room description on update', 'PATCH', '/admin/rooms/1', (text) => ({ description: text }), 'description'],
  ['admin key name', 'POST', '/admin/keys', (text) => ({ name: text }), 'name'],
  ['guest name on a hold', 'POST', '/bookings', (text) => ({ ...holdBody(1, 24), guest: { name: text, email: 'ada@example.com' } }), 'guest.name'],
  ['guest e-mail on a hold', 'POST', '/bookings', (text) => ({ ...holdBody(1, 24), guest: { name: 'Ada', email: `ada${text}@example.com` } }), 'guest.email'],
];

// What else the contract refuses in every text field, beside NUL.
const refused: [label: string, char: string][] = [
  ['NUL', '\u0000'],
  ['ESC', '\u001b'],
  ['DEL', '\u007f'],
  ['C1 NEL', '\u0085'],
  ['a lone high surrogate', '\ud83c'],
  ['a lone low surrogate', '\udff0'],
  ['noncharacter U+FFFF', '\uffff'],
  ['a bare carriage return', '\r'],
];

function expectRefusal(response: JsonResponse, field: string, label: string) {
  expect(response.status, label).toBe(400);
  expect(response.body.code, label).toBe('VALIDATION_ERROR');
  expect(response.body.issues.map((issue: { path: string }) => issue.path), label).toContain(field);
}

describe.each(testDrivers())('text fields on %s', (driver) => {
  const ctx = useServer({}, driver);
  const { api } = ctx;

  it.each(requests)('a NUL in the %s is a 400 naming the field, and nothing is stored', async (label, method, path, body, field) => {
    const before = await storedRows(ctx.databaseUrl);
    const response = await api(method, path, { body: body('Lock\u0000smith'), headers: admin });
    expectRefusal(response, field, label);
    expect(response.body.issues[0].message).toContain('U+0000');
    expect(await storedRows(ctx.databaseUrl)).toBe(before);
  });

  it.each(refused)('%s is refused in every text field, and nothing is stored', async (charLabel, char) => {
    const before = await storedRows(ctx.databaseUrl);
    for (const [label, method, path, body, field] of requests) {
      expectRefusal(await api(method, path, { body: body(`Lock${char}smith`), headers: admin }), field, `${charLabel} in the ${label}`);
    }
    expect(await storedRows(ctx.databaseUrl)).toBe(before);
  });

  it('lets descriptions span lines, and stores every accepted text exactly', async () => {
    const description = 'Line one\nLine two\r\n\tindented 👩‍👩‍👧';
    const name = 'Zoë’s 🏰 \u200fمرحبا';
    const created = await api('POST', '/admin/rooms', { body: { name, description, price: 20 }, headers: admin });
    expect(created.status).toBe(201);
    expect(created.body.room).toMatchObject({ name, description });
    expect(await sql(ctx.databaseUrl, `select name, description from room where id = ${created.body.room.id}`)).toEqual([{ name, description }]);
    const multiLineName = await api('PATCH', `/admin/rooms/${created.body.room.id}`, { body: { name: 'Two\nlines' }, headers: admin });
    expectRefusal(multiLineName, 'name', 'a line break in a name');
  });

  it('refuses controls in query parameters too, and logged no refusal as a failure', async () => {
    expectRefusal(await api('GET', '/bookings?cursor=%00', { headers: admin }), 'cursor', 'cursor');
    expectRefusal(await api('GET', '/availability?start_date=2030-01-01%00&end_date=2030-01-02'), 'start_date', 'instant');
    expect(ctx.server.logs.some((line) => line.includes('"level":50'))).toBe(false);
  });
});
