import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '@escape-room/sdk';
import { fixedHours } from './support/http.js';
import { startReceiver, type Receiver } from '@escape-room/test-utils/receiver';
import { TEST_ADMIN_KEY } from './support/server.js';
import { useServer } from './support/use-server.js';
import { until } from './support/wait.js';

const { holdBody } = fixedHours();

const CLI = fileURLToPath(new URL('../apps/admin/dist/main.js', import.meta.url));
const REPO = fileURLToPath(new URL('..', import.meta.url));
const ctx = useServer();

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as a person or a script would, with the API address and key in the environment. */
function admin(args: string[], env: Record<string, string> = {}, command = [CLI]): Promise<CliResult> {
  return new Promise((resolve) => {
    const [file, ...prefix] = command[0] === CLI ? [process.execPath, CLI] : command;
    execFile(
      file!,
      [...prefix, ...args],
      { cwd: REPO, env: { ...process.env, API_URL: ctx.url, ADMIN_API_KEY: TEST_ADMIN_KEY, TZ: 'Europe/Paris', ...env } },
      (error, stdout, stderr) => resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr }),
    );
  });
}

async function seedBookings(server: ReturnType<typeof useServer>) {
  const ids: string[] = [];
  for (const [room, hours] of [[1, 30], [1, 31], [2, 30]] as const) {
    const response = await server.api('POST', '/bookings', { body: holdBody(room, hours, `guest${room}${hours}@example.com`) });
    ids.push(response.body.booking.id);
  }
  await server.api('PUT', `/bookings/${ids[0]}/confirm`);
  return ids;
}

describe('the admin CLI against a live server', () => {
  it('lists rooms as an aligned table, or JSON with --json', async () => {
    const table = await admin(['rooms', 'list']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines.some((line) => /ID\s+│?\s*NAME/.test(line))).toBe(true);
    expect(table.stdout).toContain('Room 10');
    // eslint-disable-next-line no-control-regex -- the escape character is what a colour code starts with
    expect(table.stdout).not.toMatch(/\x1b\[/); // not a TTY: no colour codes
    const json = await admin(['rooms', 'list', '--json']);
    expect(JSON.parse(json.stdout)).toHaveLength(10);
  });

  it('shows one booking with local and UTC times, and cancels a confirmed one', async () => {
    const hold = (await ctx.api('POST', '/bookings', { body: holdBody(5, 40) })).body.booking;
    await ctx.api('PUT', `/bookings/${hold.id}/confirm`);
    const shown = await admin(['bookings', 'show', hold.id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(hold.id);
    expect(shown.stdout).toContain(`(${hold.start_date.replace('.000Z', 'Z')})`);

    const cancelled = await admin(['bookings', 'cancel', hold.id, '--json']);
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout).status).toBe('cancelled');
    expect((await ctx.api('GET', `/bookings/${hold.id}`)).body.booking.status).toBe('cancelled');
  });

  it('manages admin keys: create prints the secret once, the secret works, revoke locks it out', async () => {
    const created = JSON.parse((await admin(['keys', 'create', '--name', 'night shift', '--json'])).stdout);
    expect(created.secret).toMatch(/^erk_/);
    const withNewKey = await admin(['bookings', 'list', '--json'], { ADMIN_API_KEY: created.secret });
    expect(withNewKey.code).toBe(0);
    const listed = await admin(['keys', 'list']);
    expect(listed.stdout).toContain('night shift');
    expect(listed.stdout).not.toContain(created.secret);
    expect((await admin(['keys', 'revoke', created.key.id])).code).toBe(0);
    const refused = await admin(['bookings', 'list'], { ADMIN_API_KEY: created.secret });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('revoked');
    expect((await admin(['keys', 'revoke', 'ak_nothere1'])).code).toBe(5);
  });

  it('creates, updates and archives rooms', async () => {
    const room = JSON.parse((await admin(['rooms', 'create', '--name', 'Vault 7', '--price', '29.50', '--description', 'A heist.', '--json'])).stdout);
    expect(room).toMatchObject({ name: 'Vault 7', price: 29.5, archived_at: null });
    const updated = JSON.parse((await admin(['rooms', 'update', String(room.id), '--price', '31', '--json'])).stdout);
    expect(updated.price).toBe(31);
    expect((await admin(['rooms', 'archive', String(room.id)])).stdout).toContain('Archived.');
    const open = JSON.parse((await admin(['rooms', 'list', '--json'])).stdout);
    expect(open.map((r: { id: number }) => r.id)).not.toContain(room.id);
    const everything = await admin(['rooms', 'list', '--all']);
    expect(everything.stdout).toContain('Vault 7');
    expect((await admin(['rooms', 'update', '99999', '--price', '1'])).code).toBe(5);
    expect((await admin(['rooms', 'create', '--name', 'x', '--price', 'free'])).code).toBe(2);
  });

  it('answers availability for a range', async () => {
    const range = holdBody(1, 50);
    expect((await ctx.api('POST', '/bookings', { body: range })).status).toBe(201);
    const free = await admin(['availability', '--from', range.start_date, '--to', range.end_date, '--json']);
    expect(free.code).toBe(0);
    expect(JSON.parse(free.stdout).map((room: { id: number }) => room.id)).not.toContain(1);
    expect(JSON.parse(free.stdout).map((room: { id: number }) => room.id)).toContain(2);
  });

  it('fails clearly with distinct exit codes', async () => {
    const unreachable = await admin(['rooms', 'list'], { API_URL: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('Cannot reach the booking API at http://127.0.0.1:9');

    const badKey = await admin(['bookings', 'list'], { ADMIN_API_KEY: 'wrong-key-wrong-key' });
    expect(badKey.code).toBe(4);
    expect(badKey.stderr).toContain('refused the admin key');

    const unknown = await admin(['bookings', 'show', 'bk_doesnotexist']);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain('No booking has the id');

    const usage = await admin(['bookings', 'list', '--status', 'lost']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Allowed choices');
    expect((await admin(['availability', '--from', 'nonsense', '--to', 'also-nonsense'])).code).toBe(2);
  });

  it('has --help on every command', async () => {
    const commands = [
      [],
      ['rooms'],
      ['rooms', 'list'],
      ['rooms', 'create'],
      ['rooms', 'update'],
      ['rooms', 'archive'],
      ['rooms', 'schedule'],
      ['rooms', 'schedule', 'show'],
      ['rooms', 'schedule', 'set'],
      ['rooms', 'schedule', 'clear'],
      ['availability'],
      ['sessions'],
      ['venue'],
      ['venue', 'show'],
      ['venue', 'set'],
      ['bookings'],
      ['bookings', 'list'],
      ['bookings', 'show'],
      ['bookings', 'cancel'],
      ['keys'],
      ['keys', 'create'],
      ['keys', 'list'],
      ['keys', 'revoke'],
      ['webhooks'],
      ['webhooks', 'add'],
      ['webhooks', 'list'],
      ['webhooks', 'update'],
      ['webhooks', 'remove'],
      ['webhooks', 'rotate'],
      ['webhooks', 'deliveries'],
      ['webhooks', 'retry'],
      ['events'],
      ['events', 'list'],
    ];
    for (const args of commands) {
      const help = await admin([...args, '--help']);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout, args.join(' ')).toContain('Usage: escape-admin');
    }
  });

  it('refuses a webhook over http or to a private address, as the server is configured by default, and says how to allow it', async () => {
    for (const url of ['http://hooks.example.com/escape-room', 'https://10.0.0.7/hooks']) {
      const refused = await admin(['webhooks', 'add', url, '--events', 'booking.held']);
      expect(refused.code, url).toBe(2);
      expect(refused.stderr).toContain('WEBHOOK_URL_REFUSED');
      expect(refused.stderr).toContain('WEBHOOK_ALLOW_PRIVATE_NETWORKS');
    }
    expect((await admin(['webhooks', 'list'])).stdout).toContain('No webhook yet');
  });

  it('runs from the repository root as `pnpm admin`', async () => {
    const result = await admin(['rooms', 'list', '--json'], {}, ['pnpm', '--silent', 'admin']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(10);
  });
});

describe('the admin CLI listing every booking', () => {
  // A server of its own: the listing must show exactly the bookings this test made.
  const own = useServer();

  it('lists bookings across pages with filters, in local time or UTC', async () => {
    const ids = await seedBookings(own);
    const env = { API_URL: own.url };
    const all = await admin(['bookings', 'list', '--page-size', '1', '--json'], env);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).map((b: { id: string }) => b.id).sort()).toEqual([...ids].sort());

    const room1 = JSON.parse((await admin(['bookings', 'list', '--room', '1', '--json'], env)).stdout);
    expect(room1).toHaveLength(2);
    const confirmed = JSON.parse((await admin(['bookings', 'list', '--status', 'confirmed', '--json'], env)).stdout);
    expect(confirmed.map((b: { id: string }) => b.id)).toEqual([ids[0]]);

    const table = await admin(['bookings', 'list', '--room', '1'], env);
    expect(table.stdout).toContain(ids[0]);
    expect(table.stdout).toMatch(/GMT\+[12]|CES?T/); // rendered in the local zone (TZ=Europe/Paris), winter or summer
    expect(table.stdout).toContain('2 booking(s)');
    const utc = await admin(['bookings', 'list', '--room', '1', '--utc'], env);
    expect(utc.stdout).toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:00:00Z/);
  });
});

describe('the admin CLI for the venue, schedules and sessions', () => {
  // A server of its own: these tests change the venue's time zone and policies.
  const own = useServer();
  const run = (args: string[]) => admin(args, { API_URL: own.url });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'admin-cli-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const scheduleFile = async (name: string, schedule: unknown) => {
    const path = join(dir, name);
    await writeFile(path, JSON.stringify(schedule));
    return path;
  };

  // Far ahead of any clock these tests run on: 1 March 2031 is a Saturday.
  const SATURDAY = '2031-03-01';
  const SCHEDULE = {
    session_minutes: 60,
    weekly: { sat: { starts: ['10:00', '11:15'] }, sun: { open: '14:00', close: '18:00' } },
    exceptions: [{ date: '2031-03-08', closed: true }],
  };

  it('shows the venue, and sets each of its fields (none lifts the horizon)', async () => {
    const shown = await run(['venue', 'show']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/time zone\s+UTC/);
    expect(shown.stdout).toMatch(/horizon\s+none/);

    const set = await run([
      'venue', 'set', '--name', 'Locked In Paris', '--timezone', 'Europe/Paris', '--currency', 'eur',
      '--min-notice-minutes', '60', '--horizon-days', '3650', '--cancellation-cutoff-hours', '24', '--json',
    ]);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({
      name: 'Locked In Paris',
      timezone: 'Europe/Paris',
      currency: 'EUR',
      min_notice_minutes: 60,
      horizon_days: 3650,
      cancellation_cutoff_hours: 24,
    });
    expect(JSON.parse((await run(['venue', 'set', '--horizon-days', 'none', '--json'])).stdout).horizon_days).toBeNull();
    expect((await own.api('GET', '/venue')).body.venue.horizon_days).toBeNull();

    const badZone = await run(['venue', 'set', '--timezone', 'Mars/Olympus']);
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toContain('timezone: Expected an IANA time-zone name');
    expect((await run(['venue', 'set', '--horizon-days', '-1'])).code).toBe(2);
  });

  it('creates and updates rooms with party limits, price tiers and a reset', async () => {
    const created = await run([
      'rooms', 'create', '--name', 'Vault 9', '--price', '33.33', '--price-per', 'player',
      '--price-tier', '5:25', '--price-tier', '7:20', '--min-players', '2', '--max-players', '8', '--buffer-minutes', '15',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('33.33 per player, 5+: 25.00, 7+: 20.00');
    expect(created.stdout).toMatch(/2-8\s+│?\s*15 min/);
    const id = /Created room (\d+)/.exec(created.stdout)?.[1];
    if (!id) throw new Error(`no room id in ${created.stdout}`);

    const updated = JSON.parse((await run(['rooms', 'update', id, '--max-players', 'none', '--clear-price-tiers', '--json'])).stdout);
    expect(updated).toMatchObject({ price_per: 'player', price_tiers: [], min_players: 2, max_players: null, buffer_minutes: 15 });
    expect((await run(['rooms', 'update', id, '--clear-price-tiers', '--price-tier', '3:1'])).code).toBe(2);
    expect((await run(['rooms', 'update', id, '--price-tier', 'three'])).code).toBe(2);
    expect((await run(['rooms', 'update', id, '--price-per', 'team'])).code).toBe(2);
    const refused = await run(['rooms', 'update', id, '--min-players', '9', '--max-players', '3']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('max_players');
  });

  it('sets a schedule from a file, shows it, lists its sessions in venue time, and clears it', async () => {
    await own.api('PATCH', '/admin/venue', { body: { timezone: 'Europe/Paris', min_notice_minutes: 0 }, headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    await own.api('PATCH', '/admin/rooms/7', {
      body: { price: 33.33, price_per: 'player', min_players: 2, max_players: 6 },
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    expect((await run(['rooms', 'schedule', 'show', '7'])).stdout).toContain('Room 7 has no schedule');

    const set = await run(['rooms', 'schedule', 'set', '7', '--file', await scheduleFile('room7.json', SCHEDULE)]);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/sat\s+10:00, 11:15/);
    expect(set.stdout).toMatch(/sun\s+from 14:00, every game ending by 18:00/);
    expect(set.stdout).toMatch(/mon\s+closed/);
    expect(set.stdout).toMatch(/2031-03-08\s+closed/);
    expect(JSON.parse((await run(['rooms', 'schedule', 'show', '7', '--json'])).stdout)).toEqual(SCHEDULE);

    const table = await run(['sessions', '--date', SATURDAY, '--players', '3']);
    expect(table.code).toBe(0);
    const rows = table.stdout.split('\n').filter((line) => line.includes(SATURDAY));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/10:00-11:00 \+01:00\s+│?\s*7 Room 7\s+│?\s*available\s+│?\s*3\s+│?\s*99\.99 EUR/);
    expect(rows[1]).toContain('11:15-12:15 +01:00');
    expect(table.stdout).toContain('2 session(s), times in Europe/Paris');
    expect((await run(['sessions', '--date', SATURDAY, '--utc'])).stdout).toContain('09:00-10:00 UTC');
    const twoDays = JSON.parse((await run(['sessions', '--date', SATURDAY, '--days', '2', '--room', '7', '--json'])).stdout);
    expect(twoDays.sessions.map((s: { local_start: string }) => s.local_start)).toEqual([
      '2031-03-01T10:00:00+01:00',
      '2031-03-01T11:15:00+01:00',
      // Sunday's opening hours: a game every hour (no reset), the last ending at 18:00.
      '2031-03-02T14:00:00+01:00',
      '2031-03-02T15:00:00+01:00',
      '2031-03-02T16:00:00+01:00',
      '2031-03-02T17:00:00+01:00',
    ]);
    expect(twoDays.sessions[0].price).toEqual({ players: 2, total: 66.66 });
    expect((await run(['sessions', '--date', SATURDAY, '--players', '7'])).stdout).toContain('No session on those days');
    expect((await run(['sessions', '--date', '2031-02-30'])).code).toBe(2);

    const overlapping = await run(['rooms', 'schedule', 'set', '7', '--file', await scheduleFile('tight.json', { session_minutes: 90, weekly: { sat: { starts: ['10:00', '11:00'] } } })]);
    expect(overlapping.code).toBe(2);
    expect(overlapping.stderr).toContain('sat');
    const notJson = join(dir, 'not.json');
    await writeFile(notJson, 'sat 10:00');
    expect((await run(['rooms', 'schedule', 'set', '7', '--file', notJson])).code).toBe(2);
    expect((await run(['rooms', 'schedule', 'set', '7', '--file', join(dir, 'missing.json')])).code).toBe(2);
    expect((await run(['rooms', 'schedule', 'set', '99999', '--file', await scheduleFile('any.json', SCHEDULE)])).code).toBe(5);

    const cleared = await run(['rooms', 'schedule', 'clear', '7']);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain('takes any free range');
    expect(JSON.parse((await run(['rooms', 'schedule', 'show', '7', '--json'])).stdout)).toBeNull();
    expect((await run(['sessions', '--date', SATURDAY])).stdout).toContain('No session on those days');
  });

  it('shows held and booked sessions, and a booking by its reference as well as its id', async () => {
    const auth = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
    await own.api('PATCH', '/admin/venue', { body: { timezone: 'Europe/Paris', min_notice_minutes: 0 }, headers: auth });
    await own.api('PATCH', '/admin/rooms/8', { body: { price: 33.33, price_per: 'player', min_players: 2 }, headers: auth });
    await own.api('PUT', '/admin/rooms/8/schedule', { body: SCHEDULE, headers: auth });
    const [first, second] = (await own.api('GET', `/sessions?date=${SATURDAY}&room_id=8`)).body.sessions;
    const hold = async (session: typeof first, email: string) =>
      (await own.api('POST', '/bookings', {
        body: { room_id: 8, start_date: session.start_date, end_date: session.end_date, players: 3, guest: { name: 'Ada Lovelace', email } },
      })).body.booking;
    const held = await hold(first, 'held@example.com');
    const booked = await hold(second, 'booked@example.com');
    await own.api('PUT', `/bookings/${booked.id}/confirm`);

    const table = await run(['sessions', '--date', SATURDAY, '--room', '8']);
    const heldUntil = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(held.expires_at));
    expect(table.stdout).toContain(`held until ${heldUntil}`);
    expect(table.stdout).toMatch(/11:15-12:15 \+01:00\s+│?\s*8 Room 8\s+│?\s*booked/);

    for (const key of [booked.reference, booked.reference.toLowerCase(), booked.id]) {
      const shown = await run(['bookings', 'show', key]);
      expect(shown.code, key).toBe(0);
      expect(shown.stdout).toContain(booked.id);
      expect(shown.stdout).toMatch(new RegExp(`reference\\s+${booked.reference}`));
      expect(shown.stdout).toMatch(/players\s+3/);
      expect(shown.stdout).toMatch(/price\s+99\.99 EUR/);
      expect(shown.stdout).toMatch(/venue time\s+2031-03-01 11:15 \+01:00 to 12:15 \+01:00/);
    }
    expect(JSON.parse((await run(['bookings', 'show', booked.reference, '--json'])).stdout).id).toBe(booked.id);
    const listed = await run(['bookings', 'list', '--room', '8']);
    expect(listed.stdout).toContain(held.reference);

    const unknown = await run(['bookings', 'show', 'ABCDEFGH']);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain('No booking has the reference ABCDEFGH');
    const noKey = await admin(['bookings', 'show', booked.reference], { API_URL: own.url, ADMIN_API_KEY: '' });
    expect(noKey.code).toBe(4);
  });
});

describe('the admin CLI for webhooks and events', () => {
  // A server of its own that may deliver to a receiver on loopback over http, and retries a
  // failed delivery only after an hour: every request the receiver gets is one the test caused.
  const own = useServer({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_SCHEDULE: '3600' });
  const run = (args: string[]) => admin(args, { API_URL: own.url });
  const json = async (args: string[]) => {
    const result = await run([...args, '--json']);
    if (result.code !== 0) throw new Error(`${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  const noContent = () => ({ status: 204 });
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver(noContent);
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('adds an endpoint and prints its secret once; the secret verifies what is delivered; lists, changes and removes it', async () => {
    const added = await run(['webhooks', 'add', receiver.url, '--events', 'booking.confirmed,booking.held', '--description', 'Front desk']);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('shown only now');
    const id = /Created webhook (wh_\S+)\./.exec(added.stdout)?.[1];
    const secret = /whsec_\S+/.exec(added.stdout)?.[0];
    if (!id || !secret) throw new Error(`no id or secret in ${added.stdout}`);
    expect(added.stdout).toMatch(/booking\.held, booking\.confirmed\s+│?\s*enabled\s+│?\s*Front desk/);

    const listed = await run(['webhooks', 'list']);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain('whsec_');
    expect(await json(['webhooks', 'list'])).toMatchObject([{ id, url: receiver.url, events: ['booking.held', 'booking.confirmed'] }]);

    const hold = (await own.api('POST', '/bookings', { body: holdBody(1, 30, 'cli-hooks@example.com') })).body.booking;
    const request = await receiver.next('the booking.held', ({ json }) => json?.data?.booking?.id === hold.id);
    expect(verifyWebhook(request.rawBody, request.headers, secret)).toMatchObject({ type: 'booking.held', data: { booking: { id: hold.id } } });

    expect((await run(['webhooks', 'update', id, '--disable'])).stdout).toContain('disabled (admin)');
    const changed = await json(['webhooks', 'update', id, '--enable', '--events', 'booking.cancelled', '--description', 'Refunds']);
    expect(changed).toMatchObject({ enabled: true, disabled_reason: null, events: ['booking.cancelled'], description: 'Refunds' });
    expect((await run(['webhooks', 'update', id, '--enable', '--disable'])).code).toBe(2);
    const nothing = await run(['webhooks', 'update', id]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing to change');
    const badType = await run(['webhooks', 'update', id, '--events', 'booking.held,booking.teleported']);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toContain('booking.extended');
    expect((await run(['webhooks', 'update', id, '--url', 'ftp://hooks.example.com/'])).code).toBe(2);

    const rotated = await run(['webhooks', 'rotate', id]);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('shown only now');
    expect(rotated.stdout).toContain('signed with both secrets');
    expect(/whsec_\S+/.exec(rotated.stdout)?.[0]).not.toBe(secret);

    expect((await run(['webhooks', 'remove', id])).stdout).toContain('Removed');
    const gone = await run(['webhooks', 'remove', id]);
    expect(gone.code).toBe(5);
    expect(gone.stderr).toContain(`No webhook has the id "${id}"`);
    expect((await run(['webhooks', 'rotate', id])).code).toBe(5);
  });

  it('shows the delivery log as a table, and retries a failed delivery with the same webhook-id', async () => {
    receiver.answer(() => ({ status: 500, body: 'not now' }));
    const { webhook } = await json(['webhooks', 'add', receiver.url, '--events', 'booking.held']);
    const hold = (await own.api('POST', '/bookings', { body: holdBody(2, 30, 'cli-retry@example.com') })).body.booking;
    const failed = await receiver.next('the booking.held', ({ json }) => json?.data?.booking?.id === hold.id);
    receiver.answer(noContent);
    await until('the failed attempt is logged', async () => (await json(['webhooks', 'deliveries', webhook.id]))[0]?.attempts.length === 1);

    const [delivery] = await json(['webhooks', 'deliveries', webhook.id]);
    expect(delivery).toMatchObject({ event_type: 'booking.held', booking_id: hold.id, status: 'pending', attempts: [{ status_code: 500, response_body: 'not now' }] });
    const table = await run(['webhooks', 'deliveries', webhook.id]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/ID\s+│?\s*EVENT\s+│?\s*BOOKING\s+│?\s*STATUS\s+│?\s*ATTEMPTS\s+│?\s*LAST CODE\s+│?\s*NEXT ATTEMPT/);
    expect(table.stdout).toMatch(new RegExp(`${delivery.id}\\s+│?\\s*booking\\.held\\s+│?\\s*${hold.id}\\s+│?\\s*pending\\s+│?\\s*1\\s+│?\\s*500\\s`));
    expect(table.stdout).toContain('1 delivery');
    expect((await run(['webhooks', 'deliveries', webhook.id, '--status', 'succeeded'])).stdout).toContain('No delivery matches.');
    expect((await run(['webhooks', 'deliveries', webhook.id, '--status', 'lost'])).code).toBe(2);

    const retried = await run(['webhooks', 'retry', webhook.id, String(delivery.id)]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`Delivery ${delivery.id} goes out again now`);
    const again = await receiver.nth(2, 'the retried booking.held', ({ webhookId }) => webhookId === failed.webhookId);
    expect(again.rawBody).toBe(failed.rawBody);
    await until('the retry is logged', async () => (await json(['webhooks', 'deliveries', webhook.id, '--status', 'succeeded'])).length === 1);
    expect((await run(['webhooks', 'deliveries', webhook.id])).stdout).toMatch(/succeeded\s+│?\s*2\s+│?\s*204\s/);

    const unknownId = Number(delivery.id) + 1000;
    const missing = await run(['webhooks', 'retry', webhook.id, String(unknownId)]);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain(`has no delivery ${unknownId}`);
    expect((await run(['webhooks', 'retry', webhook.id, 'first'])).code).toBe(2);
    await run(['webhooks', 'remove', webhook.id]);
  });

  it("lists events as a table or JSON, filtered by booking and type, up to --limit", async () => {
    const hold = (await own.api('POST', '/bookings', { body: holdBody(3, 30, 'cli-events@example.com') })).body.booking;
    await own.api('PUT', `/bookings/${hold.id}/confirm`);
    await own.api('DELETE', `/admin/bookings/${hold.id}`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });

    const events = await json(['events', 'list', '--booking', hold.id]);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['booking.held', 'booking.confirmed', 'booking.cancelled']);
    const table = await run(['events', 'list', '--booking', hold.id, '--utc']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/TIME\s+│?\s*EVENT\s+│?\s*BOOKING\s+│?\s*STATUS\s+│?\s*BY/);
    expect(table.stdout).toMatch(new RegExp(`booking\\.confirmed\\s+│?\\s*${hold.id}\\s+│?\\s*pending -> confirmed\\s+│?\\s*guest`));
    expect(table.stdout).toMatch(/confirmed -> cancelled\s+│?\s*admin_key ADMIN_API_KEY/);
    expect(table.stdout).toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/);
    expect(table.stdout).toContain('3 event(s)');

    expect(await json(['events', 'list', '--booking', hold.id, '--type', 'booking.cancelled'])).toEqual([events[2]]);
    const first = await run(['events', 'list', '--booking', hold.id, '--limit', '1']);
    expect(first.stdout).toContain('1 event(s), and later ones');
    expect(await json(['events', 'list', '--booking', hold.id, '--limit', '2'])).toEqual(events.slice(0, 2));
    expect((await run(['events', 'list', '--booking', 'bk_nothere'])).stdout).toContain('No event matches.');
    expect((await run(['events', 'list', '--type', 'booking.teleported'])).code).toBe(2);
  });
});
