import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { bookingSql, databaseTarget, openDatabase } from '@escape-room/booking-core/db';
import type { TestDriver } from '@escape-room/test-utils';
import { freeRangeRoomsFile, spawnServer } from '@escape-room/test-utils';
import { startCeiling } from './ceiling.js';
import { runDelivery } from './delivery.js';
import { runLoad, type LoadResult } from './load.js';
import { UNBUDGETED, textTable, writeReport, type Check, type Row } from './report.js';
import { contentionSlot, scenarioRequests, sessionsPath, type ScenarioName } from './scenarios.js';
import { seedDatabase, SESSIONS_PER_DAY, type Layout, type SeededDatabase } from './seed.js';

const ADMIN_KEY = 'bench-admin-key-0123456789';
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

interface Scale {
  rooms: number;
  bookings: number;
  /** `sessions`: every room scheduled, bookings on the sessions grid (see seed.ts); free-range otherwise. */
  layout?: Layout;
  scenarios: ScenarioName[];
  /** Also run availability on a server without the start script's heap flags (SQLite only). */
  measureHeapBudget?: boolean;
  /**
   * Concurrent connections for this scale, its ceiling included, instead of --connections. The
   * 1,000-room sessions grid is a 2.7 MB answer of ~100 ms: at 32 connections p50 is queueing
   * (32 answers' worth), a few dozen samples, and ~90 MB of answers in flight past the RSS budget.
   */
  connections?: number;
  /** Half the seconds per scenario (at least one), ceiling included: a smoke run that only has to prove it works. */
  halfDuration?: boolean;
}

const QUICK: Scale[] = [
  { rooms: 10, bookings: 10_000, scenarios: ['availability', 'hold', 'flow', 'contention'], measureHeapBudget: true },
  { rooms: 10, bookings: 1_000, layout: 'sessions', scenarios: ['sessions'], halfDuration: true },
];
const FULL: Scale[] = [
  ...[10, 1000].flatMap((rooms) =>
    [10_000, 100_000, 1_000_000].map((bookings): Scale => ({
      rooms,
      bookings,
      scenarios: rooms === 10 && bookings === 100_000 ? ['availability', 'hold', 'flow', 'contention'] : ['availability', 'hold'],
      measureHeapBudget: rooms === 10 && bookings === 100_000,
    })),
  ),
  // One day's sessions over 1,000 scheduled rooms at 10k and 1M bookings (the 2x target), and over 10 rooms at 100k.
  ...[10_000, 1_000_000].map((bookings): Scale => ({ rooms: 1000, bookings, layout: 'sessions', scenarios: ['sessions'], connections: 1 })),
  { rooms: 10, bookings: 100_000, layout: 'sessions', scenarios: ['sessions'] },
];

interface Options {
  quick: boolean;
  duration?: number;
  connections: number;
  drivers: string;
  postgresUrl?: string;
  out: string;
  cpuProf?: string;
  scenarios?: string;
}

/** What a ceiling serves: the same JSON as the scenarios it stands for, so its size is the same. */
const ceilingKind = (scale: Scale) => (scale.layout === 'sessions' ? 'sessions' : 'availability');

/** EXPLAIN of the very query the service runs for availability, at the middle of the history. */
async function availabilityPlan(seeded: SeededDatabase, driver: TestDriver): Promise<string> {
  const db = await openDatabase(databaseTarget(seeded.url));
  try {
    const middle = Math.floor((seeded.from + seeded.to) / 2);
    const { text, params } = bookingSql.availableRooms({ start: middle, end: middle + 3_600_000 }, Date.now());
    const rows = await db.em.fork().getConnection().execute(`explain ${driver === 'sqlite' ? 'query plan ' : ''}${text}`, [...params]);
    const lines = (rows as Record<string, unknown>[]).map((row) => String(row.detail ?? row['QUERY PLAN']));
    return `${driver}, ${seeded.rooms} rooms, ${seeded.bookings.toLocaleString('en')} bookings:\n${text}\n-- ${JSON.stringify(params)}\n${lines.join('\n')}`;
  } finally {
    await db.close(true);
  }
}

/** EXPLAIN of the sessions grid's one bookings query, over the queried day's window. */
async function sessionsPlan(seeded: SeededDatabase, driver: TestDriver, url: string): Promise<string> {
  const { sessions } = (await (await fetch(`${url}${sessionsPath(seeded)}`)).json()) as { sessions: { start_date: string; end_date: string }[] };
  const window = { start: Date.parse(sessions[0]?.start_date ?? ''), end: Math.max(...sessions.map((s) => Date.parse(s.end_date))) + 15 * 60_000 };
  const db = await openDatabase(databaseTarget(seeded.url));
  try {
    const { text, params } = bookingSql.blockingIn(window, Date.now());
    const rows = await db.em.fork().getConnection().execute(`explain ${driver === 'sqlite' ? 'query plan ' : ''}${text}`, [...params]);
    const lines = (rows as Record<string, unknown>[]).map((row) => String(row.detail ?? row['QUERY PLAN']));
    return `${driver}, sessions of ${seeded.sessionsDate}, ${seeded.rooms} rooms, ${seeded.bookings.toLocaleString('en')} bookings:\n${text}\n-- ${JSON.stringify(params)}\n${lines.join('\n')}`;
  } finally {
    await db.close(true);
  }
}

/** What one answer of the sessions scenario holds: the grid it measured, so a report shows the work behind its figures. */
async function sessionsGrid(url: string, seeded: SeededDatabase): Promise<NonNullable<Row['grid']>> {
  const text = await (await fetch(`${url}${sessionsPath(seeded)}`)).text();
  const { sessions } = JSON.parse(text) as { sessions: { status: string }[] };
  const count = (status: string) => sessions.filter((s) => s.status === status).length;
  return { date: seeded.sessionsDate ?? '', sessions: sessions.length, booked: count('booked'), available: count('available'), bytes: Buffer.byteLength(text) };
}

async function countDoubleBookings(url: string, seeded: SeededDatabase): Promise<{ winners: number; doubleBookings: number }> {
  const slot = contentionSlot(seeded);
  const range = `from=${new Date(slot.start).toISOString()}&to=${new Date(slot.end).toISOString()}`;
  const response = await fetch(`${url}/api/v1/bookings?${range}&limit=100`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  const { bookings } = (await response.json()) as { bookings: { room_id: number; status: string }[] };
  const live = bookings.filter((b) => b.status === 'pending' || b.status === 'confirmed');
  const perRoom = new Map<number, number>();
  for (const b of live) perRoom.set(b.room_id, (perRoom.get(b.room_id) ?? 0) + 1);
  return { winners: live.length, doubleBookings: [...perRoom.values()].reduce((n, count) => n + Math.max(0, count - 1), 0) };
}

function evaluate(rows: Row[]): Check[] {
  const checks: Check[] = [];
  const sqlite = rows.filter((r) => r.driver === 'sqlite');
  const find = (scenario: string, rooms: number, bookings: number) =>
    sqlite.find((r) => r.scenario === scenario && r.rooms === rooms && r.bookings === bookings);

  const availability = find('availability', 10, 100_000);
  if (availability) {
    checks.push({ target: 'availability @100k, 10 rooms: >= 15% of ceiling', measured: `${(availability.ratio * 100).toFixed(1)}%`, pass: availability.ratio >= 0.15 });
    checks.push({ target: 'availability @100k, 10 rooms: p99 < 20 ms', measured: `${availability.p99.toFixed(2)} ms`, pass: availability.p99 < 20 });
  }
  for (const hold of sqlite.filter((r) => r.scenario === 'hold')) {
    const where = `${hold.rooms} rooms, ${hold.bookings.toLocaleString('en')}`;
    checks.push({ target: `hold (${where}): >= 3% of ceiling`, measured: `${(hold.ratio * 100).toFixed(1)}%`, pass: hold.ratio >= 0.03 });
    checks.push({ target: `hold (${where}): p99 < 50 ms`, measured: `${hold.p99.toFixed(2)} ms`, pass: hold.p99 < 50 });
    checks.push({ target: `hold (${where}): zero errors`, measured: `${hold.non2xx} non-2xx, ${hold.errors} errors`, pass: hold.non2xx === 0 && hold.errors === 0 });
  }
  for (const rooms of [10, 1000]) {
    const small = find('availability', rooms, 10_000);
    const large = find('availability', rooms, 1_000_000);
    if (small && large) {
      checks.push({
        target: `availability p50 @1M within 2x of @10k (${rooms} rooms)`,
        measured: `${large.p50.toFixed(2)} vs ${small.p50.toFixed(2)} ms (${(large.p50 / small.p50).toFixed(2)}x)`,
        pass: large.p50 <= 2 * small.p50,
      });
    }
  }
  for (const unbudgeted of sqlite.filter((r) => r.scenario === UNBUDGETED)) {
    const budgeted = find('availability', unbudgeted.rooms, unbudgeted.bookings);
    if (!budgeted) continue;
    // V8 sizes the young generation from the old-space flag; --max-semi-space-size gives it back.
    const share = budgeted.requestsPerSecond / unbudgeted.requestsPerSecond;
    checks.push({
      target: 'the heap budget keeps >= 75% of availability throughput without it',
      measured: `${(share * 100).toFixed(0)}% (${budgeted.requestsPerSecond.toFixed(0)} vs ${unbudgeted.requestsPerSecond.toFixed(0)} req/s; RSS ${budgeted.peakRssMb?.toFixed(0)} vs ${unbudgeted.peakRssMb?.toFixed(0)} MB)`,
      pass: share >= 0.75,
    });
  }
  for (const driver of new Set(rows.map((r) => r.driver))) {
    const sessions = rows.filter((r) => r.driver === driver && r.scenario === 'sessions');
    for (const s of sessions) {
      const where = `${driver}, ${s.rooms} rooms, ${s.bookings.toLocaleString('en')}`;
      const expected = s.rooms * SESSIONS_PER_DAY;
      checks.push({
        target: `sessions (${where}): every room's day answered, zero errors`,
        measured: `${s.grid?.sessions.toLocaleString('en')} of ${expected.toLocaleString('en')} sessions (${s.grid?.booked.toLocaleString('en')} booked), ${s.non2xx} non-2xx, ${s.errors} errors`,
        pass: s.grid?.sessions === expected && s.non2xx === 0 && s.errors === 0,
      });
    }
    const small = sessions.find((r) => r.rooms === 1000 && r.bookings === 10_000);
    const large = sessions.find((r) => r.rooms === 1000 && r.bookings === 1_000_000);
    if (small && large) {
      checks.push({
        target: `sessions p50 @1M within 2x of @10k (${driver}, 1000 rooms, one day)`,
        measured: `${large.p50.toFixed(2)} vs ${small.p50.toFixed(2)} ms (${(large.p50 / small.p50).toFixed(2)}x)`,
        pass: large.p50 <= 2 * small.p50,
      });
    }
  }
  const peak = Math.max(...rows.filter((r) => r.scenario !== UNBUDGETED).map((r) => r.peakRssMb ?? 0));
  checks.push({ target: 'server RSS < 200 MB in every scenario', measured: `${peak.toFixed(0)} MB peak`, pass: peak < 200 });
  for (const c of rows.filter((r) => r.scenario === 'contention')) {
    const fiveHundreds = Object.entries(c.statuses).filter(([s]) => Number(s) >= 500).reduce((n, [, k]) => n + k, 0);
    checks.push({
      target: `contention (${c.driver}): zero double bookings, zero 5xx`,
      measured: `${c.winners} winners of 5 slots, ${c.doubleBookings} double, ${fiveHundreds} 5xx`,
      pass: c.doubleBookings === 0 && fiveHundreds === 0 && (c.winners ?? 0) <= 5,
    });
  }
  return checks;
}

async function run(options: Options): Promise<void> {
  const only = options.scenarios?.split(',').map((s) => s.trim());
  const scales = (options.quick ? QUICK : FULL)
    .map((scale) => ({ ...scale, scenarios: scale.scenarios.filter((s) => !only || only.includes(s)) }))
    .filter((scale) => scale.scenarios.length > 0);
  const duration = options.duration ?? (options.quick ? 3 : 8);
  const drivers = options.drivers.split(',').map((d) => d.trim()) as TestDriver[];
  if (drivers.includes('postgresql')) {
    const url = options.postgresUrl ?? process.env.TEST_POSTGRES_URL;
    if (!url) throw new Error('the postgresql driver needs --postgres-url or TEST_POSTGRES_URL');
    process.env.TEST_POSTGRES_URL = url;
  }
  let seconds = duration;
  let connections = options.connections;
  const load = (url: string, requests: Parameters<typeof runLoad>[0]['requests'], pid?: number) =>
    runLoad({ url, connections, durationSeconds: seconds, requests, pid });

  const rows: Row[] = [];
  const plans: string[] = [];
  const ceilings = new Map<string, LoadResult>();
  const log = (text: string) => process.stderr.write(`${text}\n`);

  for (const driver of drivers) {
    for (const scale of scales) {
      seconds = scale.halfDuration ? Math.max(1, Math.round(duration / 2)) : duration;
      connections = scale.connections ?? options.connections;
      log(`seeding ${driver}: ${scale.rooms} rooms, ${scale.bookings} bookings${scale.layout === 'sessions' ? ', scheduled' : ''}`);
      const seeded = await seedDatabase(driver, scale.rooms, scale.bookings, scale.layout);
      try {
        const serverEnv = { DATABASE_URL: seeded.url, ROOMS_FILE: freeRangeRoomsFile(), NODE_ENV: 'production', LOG_LEVEL: 'warn', RATE_LIMIT_ENABLED: 'false', ADMIN_API_KEY: ADMIN_KEY };
        const server = await spawnServer(serverEnv, options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${resolve(options.cpuProf)}`] : []);
        const kind = ceilingKind(scale);
        const ceilingKey = `${kind}:${scale.rooms}:${connections}`;
        let ceiling = ceilings.get(ceilingKey);
        try {
          if (!ceiling) {
            const middle = new Date((seeded.from + seeded.to) / 2).toISOString();
            const path =
              kind === 'sessions' ? sessionsPath(seeded) : `/api/v1/availability?start_date=${middle}&end_date=${new Date(Date.parse(middle) + 3_600_000).toISOString()}`;
            const sample = await (await fetch(`${server.url}${path}`)).text();
            const ceilingServer = await startCeiling(sample);
            log(`ceiling: ${scale.rooms} rooms' ${kind} JSON (${sample.length} bytes) from memory`);
            ceiling = await load(ceilingServer.url, [{ method: 'GET', path: '/' }]);
            ceilings.set(ceilingKey, ceiling);
            await ceilingServer.close();
            rows.push({ driver: 'node:http', rooms: scale.rooms, bookings: 0, scenario: 'ceiling', ceilingOf: kind, ratio: 1, ...ceiling });
          }
          for (const scenario of scale.scenarios) {
            log(`${driver}, ${scale.rooms} rooms, ${scale.bookings} bookings: ${scenario}`);
            const result = await load(server.url, scenarioRequests(scenario, seeded), server.child.pid);
            const row: Row = { driver, rooms: scale.rooms, bookings: scale.bookings, scenario, ratio: result.requestsPerSecond / ceiling.requestsPerSecond, ...result };
            if (scenario === 'contention') Object.assign(row, await countDoubleBookings(server.url, seeded));
            if (scenario === 'sessions') row.grid = await sessionsGrid(server.url, seeded);
            rows.push(row);
          }
          if (scale.scenarios.includes('sessions')) plans.push(await sessionsPlan(seeded, driver, server.url));
        } finally {
          await server.stop();
        }
        if (scale.measureHeapBudget) {
          // What `pnpm start`'s heap flags cost: the same availability load without them.
          log(`${driver}, ${scale.rooms} rooms, ${scale.bookings} bookings: ${UNBUDGETED}`);
          const unbudgeted = await spawnServer(serverEnv, [], { heapBudget: false });
          try {
            const result = await load(unbudgeted.url, scenarioRequests('availability', seeded), unbudgeted.child.pid);
            const ratio = result.requestsPerSecond / ceiling.requestsPerSecond;
            rows.push({ driver, rooms: scale.rooms, bookings: scale.bookings, scenario: UNBUDGETED, ratio, ...result });
          } finally {
            await unbudgeted.stop();
          }
        }
        if (scale.scenarios.includes('availability')) plans.push(await availabilityPlan(seeded, driver));
      } finally {
        await seeded.dispose();
      }
    }
  }

  // Webhook delivery has its own servers and receiver (delivery.ts).
  const delivery = !only || only.includes('delivery') ? await runDelivery({ quick: options.quick, drivers, adminKey: ADMIN_KEY, cpuProf: options.cpuProf, log }) : undefined;
  rows.push(...(delivery?.rows ?? []));
  const checks = [...evaluate(rows), ...(delivery?.checks ?? [])];
  const meta = {
    mode: options.quick ? 'quick' : 'full',
    date: new Date().toISOString(),
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    connections: [options.connections, ...new Set(scales.flatMap((s) => (s.connections ? [`${s.connections} for the ${s.rooms}-room ${s.scenarios.join(', ')} scales, ceiling included`] : [])))].join('; '),
    'seconds per scenario': duration,
  };
  const name = options.quick ? 'quick' : 'full';
  await writeReport(options.out, name, rows, checks, meta, plans);
  process.stdout.write(`${textTable(rows)}\n\n${checks.map((c) => `${c.pass ? 'pass' : 'FAIL'}  ${c.target}: ${c.measured}`).join('\n')}\n`);
  process.stdout.write(`\nwritten: ${options.out}${name}.json and ${name}.md\n`);
}

const program = new Command('bench')
  .description('Load benchmark of the booking API against a bare node:http ceiling')
  .option('--quick', 'a smoke run: 10 rooms, 10k bookings, 3 s per scenario', false)
  .option('--duration <seconds>', 'seconds per scenario', Number)
  .option('--connections <n>', 'concurrent connections', Number, 32)
  .addOption(new Option('--drivers <list>', 'sqlite, postgresql or both').default(process.env.TEST_POSTGRES_URL ? 'sqlite,postgresql' : 'sqlite'))
  .option('--postgres-url <url>', 'PostgreSQL server to create the benchmark database on (default TEST_POSTGRES_URL)')
  .option('--out <dir>', 'where results are written', RESULTS)
  .option('--scenarios <list>', 'run only these scenarios (e.g. sessions, or delivery), and the scales that have them')
  .option('--cpu-prof <dir>', 'write a V8 CPU profile of each server run into <dir> (open in Chrome DevTools or speedscope)')
  .action((options: Options) => run(options));

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
