import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@escape-room/booking-core/contract';
import { testDrivers } from '@escape-room/test-utils';
import { call, fixedHours, type JsonResponse } from './support/http.js';
import { everyBooking, expectNoDoubleBooking } from './support/invariants.js';
import { TEST_ADMIN_KEY } from './support/server.js';
import { useServer } from './support/use-server.js';

const { holdBody } = fixedHours();

/** Cases per operation; FUZZ_RUNS=5000 for a long run. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const KNOWN_CODES = new Set<string>(ERROR_CODES);

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: 'path' | 'query' | 'header' }[];
  /** The JSON schema of the request body, if the operation takes one. */
  bodySchema: JsonSchema | undefined;
}

interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, JsonSchema>;
}

const char = (code: number) => String.fromCharCode(code);
/**
 * Characters the contract refuses in text, each of which once reached the database: C0 and
 * C1 controls and DEL, lone surrogate halves, noncharacters, line and paragraph separators.
 * NUL weighs most: it answered 500 on both drivers (an outside fuzzer found it; this one did not).
 */
const refusedChar = fc.oneof(
  { weight: 4, arbitrary: fc.constant('\u0000') },
  fc.integer({ min: 0x00, max: 0x1f }).map(char),
  fc.integer({ min: 0x7f, max: 0x9f }).map(char),
  fc.integer({ min: 0xd800, max: 0xdfff }).map(char),
  fc.constantFrom('\ufdd0', '\ufdef', '\ufffe', '\uffff', '\u{1fffe}', '\u{10ffff}', '\u2028', '\u2029'),
);
/** Text from all of Unicode, often with a refused character inside: mostly valid fields reach storage. */
const text = fc.string({
  unit: fc.oneof({ weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: refusedChar }),
  maxLength: 40,
});

// Values that have broken parsers, ORMs and routers before.
const nasty = fc.constantFrom(
  "' OR 1=1 --",
  '"; DROP TABLE booking; --',
  '../../../etc/passwd',
  '%00',
  '\u0000',
  'Ada\u0000Lovelace',
  '\u001b[2J',
  '\u0085',
  'a\rb',
  '\ud800',
  '\udfff\ud800',
  '\uffff',
  'x\u2028y',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '🏰🔐',
  'ﷺ'.repeat(50),
  '\u202e\u202d',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '9007199254740993',
  '2030-02-30T10:00:00Z',
  '2030-01-01T10:00:00+99:99',
  '0000-00-00T00:00:00Z',
  'x'.repeat(300),
  '',
  ' ',
  '__proto__',
  'constructor',
);
const numbers = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -1e308, 5e-324, 0.5),
);
const instants = fc.oneof(
  fc.date({ min: new Date('1960-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer({ min: 1, max: 72 }).map((h) => holdBody(1, h).start_date),
  nasty,
  fc.string(),
);
const scalar = fc.oneof(nasty, numbers, fc.string(), fc.boolean(), fc.constant(null), instants);
const guest = fc.oneof(
  fc.record({ name: fc.oneof(fc.string(), text, nasty), email: fc.oneof(fc.emailAddress(), nasty, text) }, { requiredKeys: [] }),
  scalar,
  fc.anything(),
);
/** Bodies shaped like a hold, each field sometimes right and often wrong. */
const holdLike = fc.record(
  {
    room_id: fc.oneof(fc.integer({ min: 1, max: 12 }), numbers, scalar),
    guest,
    start_date: instants,
    end_date: instants,
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);
/** Holds that are valid but for the guest's text, so odd characters get as far as the database. */
const holdWithOddText = fc
  .record({ roomId: fc.integer({ min: 1, max: 10 }), hoursAhead: fc.integer({ min: 1, max: 5000 }), name: text, email: fc.oneof(fc.emailAddress(), text) })
  .map(({ roomId, hoursAhead, name, email }) => ({ ...holdBody(roomId, hoursAhead), guest: { name, email } }));

/** Bodies shaped by the operation's own schema in the OpenAPI document, every field often odd. */
function bodyFor(schema: JsonSchema | undefined, document: { components?: { schemas?: Record<string, JsonSchema> } }): fc.Arbitrary<unknown> {
  if (schema?.$ref) return bodyFor(document.components?.schemas?.[schema.$ref.split('/').pop()!], document);
  switch (schema?.type) {
    case 'object': {
      const fields = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, field]) => [key, fc.oneof({ weight: 4, arbitrary: bodyFor(field, document) }, scalar)]),
      );
      // Mostly every field, so a body often gets past validation to the database.
      return fc.oneof({ weight: 3, arbitrary: fc.record(fields) }, fc.record(fields, { requiredKeys: [] }));
    }
    case 'string':
      return schema.format === 'date-time' ? instants : fc.oneof(text, nasty);
    case 'number':
    case 'integer':
      return fc.oneof(fc.integer({ min: 1, max: 12 }), numbers);
    default:
      return fc.anything();
  }
}

/** Raw bodies no serializer would produce. */
const rawBodies = fc.oneof(
  fc.string(),
  fc.constant('{"room_id": 1, "room_id": "two"}'),
  fc.constant('{"__proto__": {"isAdmin": true}, "room_id": 1}'),
  fc.integer({ min: 1, max: 7000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1, max: 3000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  fc.constant('\uFEFF{}'),
  fc.constant('{"room_id": 1e999}'),
  fc.json(),
);

/** A URL carries UTF-8, which cannot express a lone surrogate: send what a browser would, U+FFFD. */
function encodeUrlText(value: string): string {
  return encodeURIComponent(value.replace(/\p{Cs}/gu, '\ufffd'));
}

function expectContractAnswer(response: JsonResponse, label: string): void {
  expect(response.status, label).toBeLessThan(500);
  if (response.status >= 400) {
    expect(typeof response.body, label).toBe('object');
    expect(KNOWN_CODES.has(response.body.code), `${label}: code ${response.body.code}`).toBe(true);
    expect(typeof response.body.message, label).toBe('string');
    expect(JSON.stringify(response.body), label).not.toMatch(/node_modules|\.js:\d+|SQLITE|select |insert into/i);
  }
}

describe.each(testDrivers())('fuzzing every REST operation on %s', (driver) => {
  const ctx = useServer({}, driver);

  /** Through `call`, so every generated answer is also held to the OpenAPI document. */
  async function send(method: string, path: string, body: string | undefined, headers: Record<string, string>) {
    const response = await call(ctx.url, method, path, { body, headers });
    if (typeof response.body === 'string') expect(response.status, `${method} ${path}: non-JSON ${response.status}`).toBeLessThan(400);
    return response;
  }

  it(`answers ${RUNS} generated requests per operation with 2xx or a JSON 4xx, and stays consistent`, async () => {
    const document = (await ctx.api('GET', '/openapi.json')).body;
    const operations: Operation[] = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        bodySchema: op.requestBody?.content?.['application/json']?.schema,
      })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(17);
    const existing = (await ctx.api('POST', '/bookings', { body: holdBody(1, 500) })).body.booking.id as string;
    let requests = 0;

    for (const operation of operations) {
      const pathValue = fc.oneof(scalar.map(String), fc.constant(existing), fc.integer({ min: 1, max: 12 }).map(String));
      const queryValue = fc.oneof(scalar.map(String), instants);
      const request = fc.record({
        path: fc.tuple(...operation.parameters.filter((p) => p.in === 'path').map(() => pathValue), fc.constant('')),
        query: fc.dictionary(
          fc.oneof(fc.constantFrom(...operation.parameters.filter((p) => p.in === 'query').map((p) => p.name), 'limit', 'x'), fc.string()),
          queryValue,
          { maxKeys: 5 },
        ),
        body: operation.bodySchema
          ? fc.oneof(
              { weight: 3, arbitrary: bodyFor(operation.bodySchema, document).map((b) => JSON.stringify(b)) },
              holdLike.map((b) => JSON.stringify(b)),
              holdWithOddText.map((b) => JSON.stringify(b)),
              rawBodies,
            )
          : fc.option(rawBodies, { nil: undefined }),
        contentType: fc.oneof({ weight: 3, arbitrary: fc.constant('application/json') }, fc.constant(undefined), fc.constantFrom('text/plain', 'application/xml', 'application/json; charset=latin1', '*/*')),
        admin: fc.boolean(),
        idempotencyKey: fc.option(fc.oneof(fc.uuid(), nasty), { nil: undefined }),
      });

      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const pathParams = r.path.slice(0, -1);
          let i = 0;
          const path = operation.path.replace(/\{[^}]+\}/g, () => encodeUrlText(pathParams[i++] ?? ''));
          const query = new URLSearchParams(r.query).toString();
          const headers: Record<string, string> = {};
          if (r.contentType) headers['content-type'] = r.contentType;
          if (r.admin) headers.authorization = `Bearer ${TEST_ADMIN_KEY}`;
          if (r.idempotencyKey && /^[\x20-\x7e]*$/.test(r.idempotencyKey)) headers['idempotency-key'] = r.idempotencyKey;
          const url = `/api/v1${path}${query ? `?${query}` : ''}`;
          const sendsBody = r.body !== undefined && operation.method !== 'GET';
          const response = await send(operation.method, url, sendsBody ? r.body : undefined, headers);
          requests++;
          expectContractAnswer(response, `${operation.method} ${url} ${sendsBody ? String(r.body).slice(0, 200) : ''}`);
        }),
        { numRuns: RUNS },
      );
    }

    // Afterwards: healthy, consistent, and still taking bookings.
    expect((await ctx.api('GET', '/rooms')).status).toBe(200);
    expect((await fetch(`${ctx.url}/healthz`)).status).toBe(200);
    expectNoDoubleBooking(await everyBooking(ctx.url));
    // The fuzzer held the admin key too, so rooms may have been archived: book a fresh one.
    const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
    const room = (await ctx.api('POST', '/admin/rooms', { body: { name: 'After the storm', price: 20 }, headers: admin })).body.room;
    expect((await ctx.api('POST', '/bookings', { body: { ...holdBody(2, 600), room_id: room.id } })).status).toBe(201);
    process.stdout.write(`fuzz on ${driver}: ${requests} generated requests over ${operations.length} operations\n`);
  });
});
