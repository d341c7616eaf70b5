import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixedHours } from './support/http.js';
import { TEST_ADMIN_KEY } from './support/server.js';
import { useServer } from './support/use-server.js';

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
      ['availability'],
      ['bookings'],
      ['bookings', 'list'],
      ['bookings', 'show'],
      ['bookings', 'cancel'],
      ['keys'],
      ['keys', 'create'],
      ['keys', 'list'],
      ['keys', 'revoke'],
    ];
    for (const args of commands) {
      const help = await admin([...args, '--help']);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout, args.join(' ')).toContain('Usage: escape-admin');
    }
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
