import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '@escape-room/booking-core/contract';
import { call, fixedHours, type JsonResponse } from './support/http.js';
import { DOCUMENT_PATH, DocumentCheck, type OpenApiDocument } from './support/openapi.js';
import { TEST_ADMIN_KEY } from './support/server.js';
import { useServer } from './support/use-server.js';

const { holdBody } = fixedHours();

const run = promisify(execFile);
const REDOCLY = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin', 'cli.js');
const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

type Json = Record<string, any>;
interface Listed { method: string; path: string; operation: Json }

function operationsOf(document: OpenApiDocument): Listed[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

/** The codes an error response lists: openapi.ts narrows the Error body's `code` per status. */
function codesOf(response: Json): string[] {
  const narrowed = (response.content['application/json'].schema.allOf as Json[]).find((part) => part.properties?.code);
  return narrowed?.properties.code.enum;
}

describe('the served OpenAPI document', () => {
  const ctx = useServer();
  const served = async () => (await call(ctx.url, 'GET', DOCUMENT_PATH)).body as OpenApiDocument;

  it("passes Redocly's recommended rules with no error, run offline on the document a real server serves", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
    try {
      await writeFile(join(dir, 'openapi.json'), JSON.stringify(await served(), null, 2));
      // No telemetry, no update check: the CLI must not need the network (this machine has none).
      const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' };
      const args = [REDOCLY, 'lint', '--extends=recommended', '--format=json', 'openapi.json'];
      // The CLI exits 1 when it finds errors; the report on stdout says which.
      const { stdout } = await run(process.execPath, args, { cwd: dir, env }).catch((caught: unknown) => {
        const error = caught as { stdout?: string; stderr?: string };
        if (!error.stdout) throw new Error(`redocly lint produced no report: ${error.stderr}`);
        return { stdout: error.stdout };
      });
      const report = JSON.parse(stdout) as { problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[] };
      const listed = (severity: string) =>
        report.problems.filter((p) => p.severity === severity).map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
      expect(listed('error')).toEqual([]);
      // The one warning left is true: this API has no licence to name.
      expect(listed('warn').map((line) => line.split(' ')[0])).toEqual(['info-license']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lists under each status of each operation only the codes that travel under that status', async () => {
    const operations = operationsOf(await served());
    expect(operations.length).toBe(35);
    for (const { method, path, operation } of operations) {
      const label = `${method} ${path}`;
      const statuses = Object.keys(operation.responses).map(Number);
      for (const status of statuses.filter((s) => s >= 400)) {
        const codes = codesOf(operation.responses[status]);
        expect(codes.length, `${label} ${status}`).toBeGreaterThan(0);
        for (const code of codes) expect(ERROR_STATUS[code as ErrorCode], `${label} ${status} ${code}`).toBe(status);
      }
      // The generic ones, from the one table in rest-meta.ts.
      const expected = [400, 429, 431, 500, 503];
      if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) expected.push(413, 415);
      const isAdmin = path.startsWith('/admin/') || Boolean(operation.tags.includes('Admin'));
      if (isAdmin) expected.push(401, 403);
      expect(statuses, label).toEqual(expect.arrayContaining(expected));
      expect(operation.security, label).toEqual(isAdmin ? [{ Authorization: [] }] : []);
      expect(operation.responses['429'].headers['Retry-After'], label).toMatchObject({ required: true, schema: { type: 'integer' } });
    }

    const document = await served();
    expect(codesOf(document.paths['/bookings/{booking_id}']!.get!.responses['404'])).toEqual(['BOOKING_NOT_FOUND']);
    expect(codesOf(document.paths['/rooms/{room_id}']!.get!.responses['404'])).toEqual(['ROOM_NOT_FOUND']);
    // The calendar file is served outside the procedures and described beside them.
    const calendar = document.paths['/bookings/{booking_id}/calendar.ics']!.get!;
    expect(codesOf(calendar.responses['404'])).toEqual(['BOOKING_NOT_FOUND']);
    expect(Object.keys(calendar.responses['200'].content)).toEqual(['text/calendar']);
    expect(calendar.responses['200'].headers['Content-Disposition']).toMatchObject({ required: true });
    expect(calendar.parameters).toEqual([expect.objectContaining({ in: 'path', name: 'booking_id', required: true })]);
    expect(codesOf(document.paths['/bookings']!.post!.responses['409'])).toEqual([
      'ROOM_ARCHIVED',
      'SLOT_UNAVAILABLE',
      'INVALID_STATE',
      'TOO_MANY_HOLDS',
      'IDEMPOTENCY_IN_PROGRESS',
    ]);
    expect(codesOf(document.paths['/bookings']!.post!.responses['422'])).toEqual([
      'PARTY_SIZE_NOT_ALLOWED',
      'NOT_A_SESSION',
      'TOO_SOON',
      'TOO_FAR_AHEAD',
      'IDEMPOTENCY_KEY_REUSED',
    ]);
    expect(codesOf(document.paths['/bookings/{booking_id}/cancel']!.delete!.responses['409'])).toEqual(['INVALID_STATE', 'CANCELLATION_WINDOW_CLOSED']);
    expect(codesOf(document.paths['/admin/keys/{key_id}']!.delete!.responses['404'])).toEqual(['KEY_NOT_FOUND']);
    expect(codesOf(document.paths['/admin/webhooks']!.post!.responses['422'])).toEqual(['WEBHOOK_URL_REFUSED']);
    expect(codesOf(document.paths['/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/retry']!.post!.responses['404'])).toEqual([
      'WEBHOOK_NOT_FOUND',
      'DELIVERY_NOT_FOUND',
    ]);
    expect(document.paths['/rooms']!.get!.responses['404']).toBeUndefined();
    // Only the contract's Error is a component of the error side: none of the adapter's own.
    expect(Object.keys(document.components.schemas).filter((name) => name.startsWith('error.'))).toEqual([]);
  });

  it('is what every REST answer of the suites is held to, and it refuses what it does not describe', async () => {
    const check = new DocumentCheck(await served());
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers: new Headers(headers) });
    const booking = '/api/v1/bookings/bk_AAAAAAAAAAAAAAAAAAAAAA';
    expect(check.problem('GET', booking, answer(404, { code: 'BOOKING_NOT_FOUND', message: 'x' }))).toBeUndefined();
    expect(check.problem('GET', booking, answer(404, { code: 'ROOM_NOT_FOUND', message: 'x' }))).toMatch(/does not match/);
    expect(check.problem('GET', booking, answer(409, { code: 'INVALID_STATE', message: 'x' }))).toMatch(/does not document/);
    expect(check.problem('GET', booking, answer(200, { booking: {} }))).toMatch(/does not match/);
    const ics = `${booking}/calendar.ics`;
    const attachment = { 'content-disposition': 'attachment; filename="booking-K7M2QX9P.ics"' };
    expect(check.problem('GET', ics, answer(200, 'BEGIN:VCALENDAR', { 'content-type': 'text/calendar; charset=utf-8', ...attachment }))).toBeUndefined();
    expect(check.problem('GET', ics, answer(200, '<html>', { 'content-type': 'text/html', ...attachment }))).toMatch(/does not document/);
    expect(check.problem('GET', ics, answer(200, 'BEGIN:VCALENDAR', { 'content-type': 'text/calendar' }))).toMatch(/Content-Disposition/);
    expect(check.problem('GET', '/api/v1/rooms', answer(200, { rooms: [], extra: 1 }))).toMatch(/does not match/);
    expect(check.problem('GET', '/api/v1/rooms', answer(429, { code: 'RATE_LIMITED', message: 'x' }))).toMatch(/Retry-After/);
    expect(check.problem('GET', '/api/v1/rooms', answer(429, { code: 'RATE_LIMITED', message: 'x' }, { 'retry-after': '3' }))).toBeUndefined();
    // A method and path no operation has: the generic 404, or a refusal of the body or URL itself.
    expect(check.problem('POST', '/api/v1/rooms', answer(404, { code: 'NOT_FOUND', message: 'x' }))).toBeUndefined();
    expect(check.problem('PUT', '/api/v1/bookings//confirm', answer(413, { code: 'PAYLOAD_TOO_LARGE', message: 'x' }))).toBeUndefined();
    expect(check.problem('POST', '/api/v1/bookings/./extend', answer(404, { code: 'NOT_FOUND', message: 'x' }))).toBeUndefined();
    expect(check.problem('GET', '/api/v1/nothing', answer(409, { code: 'INVALID_STATE', message: 'x' }))).toMatch(/no operation/);
    expect(check.problem('GET', '/api/v1/nothing', answer(400, { code: 'NOT_FOUND', message: 'x' }))).toMatch(/no operation/);
    expect(check.problem('GET', '/api/v1/nothing', answer(404, { error: 'Not Found' }))).toMatch(/no operation/);
  });

  it('describes emails as emails, ids as positive, and prices without multipleOf', async () => {
    const { components } = await served();
    expect(components.schemas.Guest.properties.email.format).toBe('email');
    expect(components.schemas.GuestOutput.properties.email.format).toBe('email');
    expect(components.schemas.Booking.properties.room_id).toMatchObject({ type: 'integer', exclusiveMinimum: 0 });
    expect(JSON.stringify(await served())).not.toContain('multipleOf');
  });

  it('takes a price of 19.99 and refuses 1.234 with a 400 naming the field', async () => {
    const created = await call(ctx.url, 'POST', '/api/v1/admin/rooms', { body: { name: 'Cents', price: 19.99 }, headers: admin });
    expect(created.status).toBe(201);
    expect(created.body.room.price).toBe(19.99);
    const refused = await call(ctx.url, 'POST', '/api/v1/admin/rooms', { body: { name: 'Cents', price: 1.234 }, headers: admin });
    expect(refused.status).toBe(400);
    expect(refused.body.issues.map((issue: { path: string }) => issue.path)).toEqual(['price']);
    const changed = await call(ctx.url, 'PATCH', `/api/v1/admin/rooms/${created.body.room.id}`, { body: { price: 0.1 + 0.2 }, headers: admin });
    expect(changed.body.room.price).toBe(0.3);
  });

  it('percent-decodes path parameters', async () => {
    const room = await call(ctx.url, 'GET', '/api/v1/rooms/%32');
    expect(room.status).toBe(200);
    expect(room.body.room.id).toBe(2);

    const hold = (await call(ctx.url, 'POST', '/api/v1/bookings', { body: holdBody(1, 30) })).body.booking;
    const underscoreEncoded = hold.id.replace('_', '%5F');
    const read = await call(ctx.url, 'GET', `/api/v1/bookings/${underscoreEncoded}`);
    expect(read.status).toBe(200);
    expect(read.body.booking.id).toBe(hold.id);
    // Every character escaped, in lower-case hex: still the same booking.
    // eslint-disable-next-line @typescript-eslint/no-misused-spread -- booking ids are ASCII
    const everyCharacter = [...(hold.id as string)].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    const confirmed = await call(ctx.url, 'PUT', `/api/v1/bookings/${everyCharacter}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.booking.status).toBe('confirmed');

    // An escaped slash is part of the value, not a separator: no booking has that id.
    const slash = await call(ctx.url, 'GET', '/api/v1/bookings/bk%2Fnothing');
    expect(slash.status).toBe(404);
    expect(slash.body).toMatchObject({ code: 'BOOKING_NOT_FOUND', message: expect.stringContaining('bk/nothing') });
    // Decoded, a NUL is refused by the contract like any id that was never issued, not a 500.
    const nul = await call(ctx.url, 'DELETE', '/api/v1/admin/keys/%00', { headers: admin });
    expect(nul.status).toBe(400);
    expect(nul.body.issues.map((issue: { path: string }) => issue.path)).toEqual(['key_id']);
    // A malformed escape is refused with the contract's body.
    const malformed = await call(ctx.url, 'GET', '/api/v1/bookings/bk%E0%A4%A');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('VALIDATION_ERROR');
  });
});

describe('the documented request examples', () => {
  // The example endpoint is a public https URL, which the server checks by resolving it: this
  // machine has no DNS, so the address check is lifted here (it has its own tests).
  const ctx = useServer({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' });

  it('each succeed when sent as documented, as "Try it out" on /docs sends them', async () => {
    const document = (await call(ctx.url, 'GET', DOCUMENT_PATH)).body as OpenApiDocument;
    const resolve = (schema: Json): Json =>
      schema.$ref ? resolve((schema.$ref as string).slice(2).split('/').reduce((node: Json, key) => node[key], document)) : schema;
    /** A value built from `example`s only; a required property with none makes the example incomplete. */
    const sample = (given: Json, where: string): unknown => {
      const schema = resolve(given);
      if (schema.example !== undefined) return schema.example;
      if (!schema.properties) return undefined;
      const value = Object.fromEntries(
        Object.entries(schema.properties as Json)
          .map(([name, property]) => [name, sample(property, `${where}.${name}`)])
          .filter(([, v]) => v !== undefined),
      );
      const missing = ((schema.required ?? []) as string[]).filter((name) => !(name in value));
      expect(missing, `${where}: required properties without an example`).toEqual([]);
      return value;
    };

    // Destructive operations last, so archiving the example room cannot spoil the others.
    const order = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const operations = operationsOf(document).sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method));
    const withoutExample: string[] = [];
    let sent = 0;
    for (const { method, path, operation } of operations) {
      const label = `${method} ${path}`;
      const values = new Map<Json, unknown>();
      for (const parameter of (operation.parameters ?? []) as Json[]) {
        const example = parameter.example ?? resolve(parameter.schema ?? {}).example;
        if (example !== undefined) values.set(parameter, example);
      }
      const pathParameters = ((operation.parameters ?? []) as Json[]).filter((p) => p.in === 'path');
      if (pathParameters.some((p) => !values.has(p))) {
        withoutExample.push(label);
        continue;
      }
      let url = path;
      const query = new URLSearchParams();
      const headers: Record<string, string> = operation.security.length > 0 ? { ...admin } : {};
      for (const [parameter, value] of values) {
        if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
        if (parameter.in === 'query') query.set(parameter.name, String(value));
        if (parameter.in === 'header') headers[parameter.name] = String(value);
      }
      const bodySchema = operation.requestBody?.content['application/json']?.schema;
      const body = bodySchema ? sample(bodySchema, `${label} body`) : undefined;
      const response = await call(ctx.url, method, `/api/v1${url}${query.toString() ? `?${query.toString()}` : ''}`, { body, headers });
      expect(response.status, `${label}: ${JSON.stringify(response.body)}`).toBeGreaterThanOrEqual(200);
      expect(response.status, `${label}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
      sent++;
    }
    expect(sent).toBe(20);
    // These name a booking, a key, a webhook or a delivery by its id, which only the server
    // issues: no example could succeed on another server, so the document gives none (the docs
    // page asks for one).
    expect(withoutExample.sort()).toEqual([
      'DELETE /admin/bookings/{booking_id}',
      'DELETE /admin/keys/{key_id}',
      'DELETE /admin/webhooks/{webhook_id}',
      'DELETE /bookings/{booking_id}/cancel',
      'DELETE /bookings/{booking_id}/release',
      'GET /admin/webhooks/{webhook_id}',
      'GET /admin/webhooks/{webhook_id}/deliveries',
      'GET /bookings/{booking_id}',
      'GET /bookings/{booking_id}/calendar.ics',
      'GET /bookings/{booking_id}/events',
      'PATCH /admin/webhooks/{webhook_id}',
      'POST /admin/webhooks/{webhook_id}/deliveries/{delivery_id}/retry',
      'POST /admin/webhooks/{webhook_id}/rotate-secret',
      'POST /bookings/{booking_id}/extend',
      'PUT /bookings/{booking_id}/confirm',
    ]);
  });
});

describe('a 429 as the document describes it', () => {
  const ctx = useServer({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_READS_PER_MINUTE: '2' });

  it('carries Retry-After in whole seconds', async () => {
    // `call` already holds the 429 to its documented schema and required headers; this says so outright.
    const statuses: number[] = [];
    let limited: JsonResponse | undefined;
    for (let i = 0; i < 3; i++) {
      const response = await call(ctx.url, 'GET', '/api/v1/rooms');
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(limited!.body.code).toBe('RATE_LIMITED');
    expect(limited!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  });
});
