import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { bookingSql, databaseTarget, openDatabase, sqliteText, type Statement } from '@escape-room/booking-core/db';
import type { TestDriver } from '@escape-room/test-utils';
import { spawnServer } from '@escape-room/test-utils';
import { startCeiling } from './ceiling.js';
import { runDelivery } from './delivery.js';
import { evaluate } from './evaluate.js';
import { canCount, countInstructions, type CollectorMode, type InstructionCount } from './instructions.js';
import { cpuUsPerAnswer, mergeLoads, runLoad, type BenchRequest, type LoadResult } from './load.js';
import { queueFloor } from './queue-floor.js';
import { QUEUE_FLOOR, UNBUDGETED, sameScale, textTable, writeReport, type Row } from './report.js';
import {
  availabilityRanges,
  contentionSlot,
  familyOf,
  inRounds,
  ROUND_SECONDS,
  scenarioLabel,
  scenarioRequests,
  sessionsPath,
  transportOf,
  type ScenarioContext,
  type ScenarioName,
} from './scenarios.js';
import { sdkRecorder } from './sdk-capture.js';
import { ADMIN_KEY, seedDatabase, serverEnv, type Layout, type SeededDatabase } from './seed.js';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

interface Scale {
  rooms: number;
  bookings: number;
  /** `sessions`: every room scheduled, bookings on the sessions grid (see seed.ts); free-range otherwise. */
  layout?: Layout;
  scenarios: ScenarioName[];
  /** Also run availability on a server without the start script's heap flags (SQLite only). */
  measureHeapBudget?: boolean;
  /** Also measure availability's queue floor: bare node:http at the CPU per answer REST availability took (SQLite only; queue-floor.ts). */
  measureQueueFloor?: boolean;
  /**
   * The run size's gridConnections for this scale, its ceiling included, instead of its connections.
   * The 1,000-room sessions grid is a 2.7 MB answer of ~100 ms: at 32 connections p50 is queueing
   * (32 answers' worth), a few dozen samples, and ~90 MB of answers in flight past the RSS budget.
   */
  oneAnswerAtATime?: boolean;
  /** Half the seconds per scenario (at least one), ceiling included: a smoke run that only has to prove it works. */
  halfDuration?: boolean;
}

/** Each operation over REST, tRPC and the SDK's batch link, side by side in one scale. */
const READS_BY_TRANSPORT: ScenarioName[] = ['rooms', 'rooms-trpc', 'rooms-sdk', 'rooms-again', 'availability', 'availability-trpc', 'availability-sdk', 'availability-again'];
const SESSIONS_BY_TRANSPORT: ScenarioName[] = ['sessions', 'sessions-trpc', 'sessions-sdk', 'sessions-again'];

const QUICK: Scale[] = [
  { rooms: 10, bookings: 10_000, scenarios: [...READS_BY_TRANSPORT, 'hold', 'flow', 'contention'], measureHeapBudget: true, measureQueueFloor: true },
  { rooms: 10, bookings: 1_000, layout: 'sessions', scenarios: SESSIONS_BY_TRANSPORT, halfDuration: true },
];
/**
 * What issue 14's targets and the standing checks need, and little else (each scale is seeded
 * afresh, and 1M bookings take a while): the transports side by side at 100k over 10 rooms, with
 * holds, hold + confirm and contention; holds at 1M; the 1,000-room answers (availability and
 * holds, the largest RSS); one day's sessions over 10 rooms at 100k and over 1,000 rooms at 1M.
 */
const FULL: Scale[] = [
  { rooms: 10, bookings: 100_000, scenarios: [...READS_BY_TRANSPORT, 'hold', 'flow', 'contention'], measureHeapBudget: true, measureQueueFloor: true },
  { rooms: 10, bookings: 1_000_000, scenarios: ['availability', 'hold'] },
  { rooms: 1000, bookings: 100_000, scenarios: ['availability', 'hold'] },
  { rooms: 10, bookings: 100_000, layout: 'sessions', scenarios: SESSIONS_BY_TRANSPORT },
  { rooms: 1000, bookings: 1_000_000, layout: 'sessions', scenarios: SESSIONS_BY_TRANSPORT, oneAnswerAtATime: true },
];

/**
 * How hard a run drives the server. `2core` is the development machine's (and the default);
 * `4core` is opt-in, for when the project moves to a 4-core machine: twice the connections,
 * and autocannon in two worker threads so the load generator is not what runs out of CPU.
 */
const RUN_SIZES = {
  '2core': { connections: 32, workers: 1, gridConnections: 1 },
  '4core': { connections: 64, workers: 2, gridConnections: 2 },
} as const;
type RunSize = keyof typeof RUN_SIZES;

interface Options {
  quick: boolean;
  duration?: number;
  size: RunSize;
  connections?: number;
  drivers: string;
  postgresUrl?: string;
  out: string;
  cpuProf?: string;
  scenarios?: string;
  serverDir?: string;
  /** False with --no-instructions: judge the transports on throughput alone. */
  instructions: boolean;
}

/**
 * The instruction counts' size (instructions.ts): windows of each transport, calls in each. A
 * window's calls are enough that the scavenges falling in it are a steady share of its count.
 * A 1,000-room grid's answer costs ~135M instructions (V8's helper threads left out), and a
 * full collection, which falls on one call in a few, tens of millions more: in windows of three
 * calls (round ten's full run) the A/A control read from 96% to 115% of REST from one run to the
 * next, so the grid takes more, longer windows (a grid call takes about a second under
 * callgrind), counted with V8 steady (see CollectorMode).
 */
const COUNTS: Record<'quick' | 'full' | 'grid', { windows: number; calls: number; collector: CollectorMode }> = {
  quick: { windows: 2, calls: 30, collector: 'v8' },
  full: { windows: 5, calls: 500, collector: 'v8' },
  grid: { windows: 9, calls: 10, collector: 'steady' },
};

/** The scale's scenarios that compare transports: every transport of an operation measured over more than REST. */
const transportFamilies = (scenarios: ScenarioName[]) => {
  const compared = new Set(scenarios.filter((s) => transportOf(s) !== 'REST').map(familyOf));
  return scenarios.filter((s) => compared.has(familyOf(s)));
};

/** What a ceiling serves: the same JSON as the scenarios it stands for, so its size is the same. */
const ceilingKind = (scale: Scale) => (scale.layout === 'sessions' ? 'sessions' : 'availability');

/** EXPLAIN of a statement as the server runs it on the seeded database (SQLite: its parameters as `+?`): its text, values and plan. */
async function explain(seeded: SeededDatabase, driver: TestDriver, statement: Statement): Promise<string> {
  const text = driver === 'sqlite' ? sqliteText(statement.text) : statement.text;
  const db = await openDatabase(databaseTarget(seeded.url));
  try {
    const rows = await db.em.fork().getConnection().execute(`explain ${driver === 'sqlite' ? 'query plan ' : ''}${text}`, [...statement.params]);
    const lines = (rows as Record<string, unknown>[]).map((row) => String(row.detail ?? row['QUERY PLAN']));
    return `${text}\n-- ${JSON.stringify(statement.params)}\n${lines.join('\n')}`;
  } finally {
    await db.close(true);
  }
}

/** EXPLAIN of the very query the service runs for availability, at the middle of the history. */
async function availabilityPlan(seeded: SeededDatabase, driver: TestDriver): Promise<string> {
  const middle = Math.floor((seeded.from + seeded.to) / 2);
  const plan = await explain(seeded, driver, bookingSql.availableRooms({ start: middle, end: middle + 3_600_000 }, Date.now()));
  return `${driver}, ${seeded.rooms} rooms, ${seeded.bookings.toLocaleString('en')} bookings:\n${plan}`;
}

/** EXPLAIN of the sessions grid's one bookings query, over the queried day's window. */
async function sessionsPlan(seeded: SeededDatabase, driver: TestDriver, url: string): Promise<string> {
  const { sessions } = (await (await fetch(`${url}${sessionsPath(seeded)}`)).json()) as { sessions: { start_date: string; end_date: string }[] };
  const window = { start: Date.parse(sessions[0]?.start_date ?? ''), end: Math.max(...sessions.map((s) => Date.parse(s.end_date))) + 15 * 60_000 };
  const plan = await explain(seeded, driver, bookingSql.blockingIn(window, Date.now()));
  return `${driver}, sessions of ${seeded.sessionsDate}, ${seeded.rooms} rooms, ${seeded.bookings.toLocaleString('en')} bookings:\n${plan}`;
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

const WARM_UP_SECONDS = 1;

/**
 * The 1,000-room grid's rounds: at one answer of ~50 ms at a time, half a second is ten answers,
 * and one answer more or less moves a round by a tenth. Its answers are long enough that a burst
 * of noise moves few of them.
 */
const GRID_ROUND_SECONDS = 2;

/** The pass whose days and guests only the warm-up's writes take (see ScenarioContext.pass). */
const WARM_UP_PASS = 2;

/**
 * A fresh server's first seconds go to the JIT and to growing its heap: unmeasured, every
 * scenario of the scale gets them in turn, so the one measured first (REST, by the order of the
 * list) is not the one that pays for them, and a write's p99 is not made of its first second's
 * compiling (SQLite holds at 1M: 38 ms cold, 24 ms warm, in two runs each). Writes warm up on
 * a pass of their own, on days and for guests no measured request touches. Contention is left
 * out: its warm-up would take the very slots it fights over.
 */
async function warmUp(scenarios: Iterable<[ScenarioName, BenchRequest[]]>, drive: (requests: BenchRequest[]) => Promise<unknown>): Promise<void> {
  for (const [scenario, requests] of scenarios) {
    if (scenario !== 'contention') await drive(requests);
  }
}

/** The SDK requests a run replayed, one of each scenario, for the report. */
const sdkSample = (scenario: ScenarioName, requests: BenchRequest[]) => {
  const [first] = requests;
  const replayed = first?.plan?.kind === 'pick' ? { method: first.method, ...first.plan.variants[0] } : first;
  return `${scenario}: ${JSON.stringify(replayed)}${first?.plan?.kind === 'pick' ? ` (one of ${first.plan.variants.length} captured calls)` : ''}`;
};

async function run(options: Options): Promise<void> {
  const serverDir = options.serverDir ? resolve(options.serverDir) : undefined;
  const only = options.scenarios?.split(',').map((s) => s.trim());
  const scales = (options.quick ? QUICK : FULL)
    .map((scale) => ({ ...scale, scenarios: scale.scenarios.filter((s) => !only || only.includes(s) || only.includes(familyOf(s))) }))
    .filter((scale) => scale.scenarios.length > 0);
  const duration = options.duration ?? (options.quick ? 3 : 8);
  const drivers = options.drivers.split(',').map((d) => d.trim()) as TestDriver[];
  if (drivers.includes('postgresql')) {
    const url = options.postgresUrl ?? process.env.TEST_POSTGRES_URL;
    if (!url) throw new Error('the postgresql driver needs --postgres-url or TEST_POSTGRES_URL');
    process.env.TEST_POSTGRES_URL = url;
  }
  const size = RUN_SIZES[options.size];
  const baseConnections = options.connections ?? size.connections;
  let seconds = duration;
  let connections = baseConnections;
  const load = (url: string, requests: BenchRequest[], pid?: number, durationSeconds = seconds) =>
    runLoad({ url, connections, durationSeconds, requests, pid, workers: size.workers });
  const warm = (url: string) => (requests: BenchRequest[]) => runLoad({ url, connections, durationSeconds: WARM_UP_SECONDS, requests, workers: size.workers });

  const rows: Row[] = [];
  const counts: InstructionCount[] = [];
  const counting = options.instructions && (await canCount());
  const countSize = options.quick ? COUNTS.quick : COUNTS.full;
  const plans: string[] = [];
  const sdkRequests: string[] = [];
  const log = (text: string) => process.stderr.write(`${text}\n`);

  for (const driver of drivers) {
    for (const scale of scales) {
      seconds = scale.halfDuration ? Math.max(1, Math.round(duration / 2)) : duration;
      connections = scale.oneAnswerAtATime ? size.gridConnections : baseConnections;
      log(`seeding ${driver}: ${scale.rooms} rooms, ${scale.bookings} bookings${scale.layout === 'sessions' ? ', scheduled' : ''}`);
      const seeded = await seedDatabase(driver, scale.rooms, scale.bookings, scale.layout);
      const ranges = availabilityRanges(seeded);
      try {
        const env = serverEnv(seeded.url);
        const server = await spawnServer(env, options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${resolve(options.cpuProf)}`] : [], { serverDir });
        const context: ScenarioContext = { seeded, ranges, lanes: size.workers, pass: 0, captureSdk: sdkRecorder(server.url) };
        const kind = ceilingKind(scale);
        let ceilingServer: Awaited<ReturnType<typeof startCeiling>> | undefined;
        let ceiling: LoadResult | undefined;
        let sample = '';
        try {
          const middle = new Date((seeded.from + seeded.to) / 2).toISOString();
          const path =
            kind === 'sessions' ? sessionsPath(seeded) : `/api/v1/availability?start_date=${middle}&end_date=${new Date(Date.parse(middle) + 3_600_000).toISOString()}`;
          sample = await (await fetch(`${server.url}${path}`)).text();
          ceilingServer = await startCeiling(sample);
          log(`ceiling: ${scale.rooms} rooms' ${kind} JSON (${sample.length} bytes) from memory`);
          const plan = async (pass: number) => {
            const planned = new Map<ScenarioName, BenchRequest[]>();
            for (const scenario of scale.scenarios) planned.set(scenario, await scenarioRequests(scenario, { ...context, pass }));
            return planned;
          };
          const planned = await plan(0);
          await warmUp(await plan(WARM_UP_PASS), warm(server.url));
          // Two passes, the second in reverse order, each half of a scenario's time, with the
          // ceiling's halves before and after them: every scenario, and the ceiling, is measured
          // early and late alike, so a shared machine's drift does not favour whichever runs
          // first (REST, by the list's order). An operation's transports take their half in
          // rounds (see inRounds), so the rows a target compares are measured side by side.
          const runs = new Map<ScenarioName | 'ceiling', LoadResult[]>();
          const measure = async (name: ScenarioName | 'ceiling', run: () => Promise<LoadResult>) => {
            runs.set(name, [...(runs.get(name) ?? []), await run()]);
          };
          const ceilingUrl = ceilingServer.url;
          await measure('ceiling', () => load(ceilingUrl, [{ method: 'GET', path: '/' }], undefined, seconds / 2));
          const roundsPerPass = Math.max(1, Math.round(seconds / 2 / (scale.oneAnswerAtATime ? GRID_ROUND_SECONDS : ROUND_SECONDS)));
          for (const pass of [[...planned], [...(await plan(1))].reverse()]) {
            for (const { scenario, requests, share } of inRounds(pass, roundsPerPass)) {
              log(`${driver}, ${scale.rooms} rooms, ${scale.bookings} bookings: ${scenarioLabel(scenario)}`);
              await measure(scenario, () => load(server.url, requests, server.child.pid, (seconds / 2) * share));
            }
          }
          await measure('ceiling', () => load(ceilingUrl, [{ method: 'GET', path: '/' }], undefined, seconds / 2));
          ceiling = mergeLoads(runs.get('ceiling') ?? []);
          rows.push({ driver: 'node:http', rooms: scale.rooms, bookings: 0, scenario: 'ceiling', ceilingOf: kind, ratio: 1, ...ceiling });
          for (const [scenario, requests] of planned) {
            if (transportOf(scenario) === 'SDK batch' && driver === drivers[0]) sdkRequests.push(sdkSample(scenario, requests));
            const parts = runs.get(scenario) ?? [];
            const result = mergeLoads(parts);
            const ratio = result.requestsPerSecond / ceiling.requestsPerSecond;
            const rounds = parts.map((part) => part.requestsPerSecond);
            const row: Row = { driver, rooms: scale.rooms, bookings: scale.bookings, scenario, ratio, ...result, rounds };
            if (scenario === 'contention') Object.assign(row, await countDoubleBookings(server.url, seeded));
            if (scenario === 'sessions') row.grid = await sessionsGrid(server.url, seeded);
            rows.push(row);
          }
          if (scale.scenarios.includes('sessions')) plans.push(await sessionsPlan(seeded, driver, server.url));
        } finally {
          await Promise.all([server.stop(), ceilingServer?.close()]);
        }
        if (scale.measureHeapBudget && driver === 'sqlite' && scale.scenarios.includes('availability')) {
          // What `pnpm start`'s heap flags cost: the same availability load without them.
          log(`${driver}, ${scale.rooms} rooms, ${scale.bookings} bookings: ${UNBUDGETED}`);
          const unbudgeted = await spawnServer(env, [], { heapBudget: false, serverDir });
          try {
            const requests = await scenarioRequests('availability', context);
            await warmUp([['availability', requests]], warm(unbudgeted.url));
            const result = await load(unbudgeted.url, requests, unbudgeted.child.pid);
            const ratio = result.requestsPerSecond / ceiling.requestsPerSecond;
            rows.push({ driver, rooms: scale.rooms, bookings: scale.bookings, scenario: UNBUDGETED, ratio, ...result });
          } finally {
            await unbudgeted.stop();
          }
        }
        const availability = rows.find((r) => r.scenario === 'availability' && sameScale(r, { driver, rooms: scale.rooms, bookings: scale.bookings }));
        const cpuUs = availability && cpuUsPerAnswer(availability);
        if (scale.measureQueueFloor && driver === 'sqlite' && cpuUs) {
          // The machine's queue at availability's cost: the same JSON from bare node:http, as slow per answer.
          log(`node:http, ${scale.rooms} rooms: ${QUEUE_FLOOR} (${cpuUs.toFixed(0)} µs of CPU per answer)`);
          const result = await queueFloor(sample, cpuUs, load, seconds);
          rows.push({ driver: 'node:http', rooms: scale.rooms, bookings: 0, scenario: QUEUE_FLOOR, ratio: result.requestsPerSecond / ceiling.requestsPerSecond, ...result });
        }
        const compared = transportFamilies(scale.scenarios);
        if (counting && compared.length > 0) {
          log(`${driver}, ${scale.rooms} rooms, ${scale.bookings} bookings: instructions per call of ${compared.join(', ')}`);
          const context = { seeded, ranges, lanes: 1, pass: 0 };
          const { calls, windows, collector } = scale.oneAnswerAtATime ? COUNTS.grid : countSize;
          counts.push(...(await countInstructions({ context, driver, scenarios: compared, calls, windows, collector, serverDir, log })));
        }
        if (scale.scenarios.includes('availability')) plans.push(await availabilityPlan(seeded, driver));
      } finally {
        await seeded.dispose();
      }
    }
  }

  // Webhook delivery has its own servers and receiver (delivery.ts).
  const delivery = !only || only.includes('delivery') ? await runDelivery({ quick: options.quick, drivers, cpuProf: options.cpuProf, serverDir, log }) : undefined;
  rows.push(...(delivery?.rows ?? []));
  const checks = [...evaluate(rows, counts), ...(delivery?.checks ?? [])];
  const gridScales = scales.filter((s) => s.oneAnswerAtATime);
  const meta = {
    mode: options.quick ? 'quick' : 'full',
    'run size': `${options.size}: ${size.workers > 1 ? `autocannon in ${size.workers} worker threads` : 'autocannon in-process'}`,
    date: new Date().toISOString(),
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    connections: [
      baseConnections,
      ...gridScales.map((s) => `${size.gridConnections} for the ${s.rooms}-room ${s.layout ?? 'free'} scale at ${s.bookings.toLocaleString('en')} bookings, ceiling included`),
    ].join('; '),
    'seconds per scenario': duration,
    'instruction counts': counting
      ? `callgrind, one call at a time, ${countSize.windows} windows per transport of ${countSize.calls} calls, collector ${countSize.collector}${gridScales.length > 0 ? ` (${COUNTS.grid.windows} of ${COUNTS.grid.calls}, collector ${COUNTS.grid.collector}, on the 1,000-room grid)` : ''}`
      : options.instructions
        ? 'none: valgrind was not found, so the transports are judged on throughput'
        : 'none (--no-instructions): the transports are judged on throughput',
    ...(serverDir ? { server: serverDir } : {}),
  };
  const name = options.quick ? 'quick' : 'full';
  await writeReport(options.out, name, { rows, instructions: counts, checks, meta, plans, sdkRequests });
  process.stdout.write(`${textTable(rows)}\n\n${checks.map((c) => `${c.pass ? 'pass' : 'FAIL'}  ${c.target}: ${c.measured}`).join('\n')}\n`);
  process.stdout.write(`\nwritten: ${options.out}${name}.json and ${name}.md\n`);
}

const program = new Command('bench')
  .description('Load benchmark of the booking API against a bare node:http ceiling')
  .option('--quick', 'a smoke run: 10 rooms, 10k bookings, 3 s per scenario', false)
  .option('--duration <seconds>', 'seconds per scenario', Number)
  .addOption(new Option('--size <size>', 'run size: how hard the load is driven').choices(Object.keys(RUN_SIZES)).default('2core'))
  .option('--connections <n>', "concurrent connections (default: the run size's, 32 for 2core, 64 for 4core)", Number)
  .addOption(new Option('--drivers <list>', 'sqlite, postgresql or both').default(process.env.TEST_POSTGRES_URL ? 'sqlite,postgresql' : 'sqlite'))
  .option('--postgres-url <url>', 'PostgreSQL server to create the benchmark database on (default TEST_POSTGRES_URL)')
  .option('--out <dir>', 'where results are written', RESULTS)
  .option('--scenarios <list>', 'run only these scenarios or families (e.g. sessions: over REST, tRPC and the SDK; delivery), and the scales that have them')
  .option('--server-dir <dir>', "run this build of the server package (e.g. another checkout's apps/server, built) instead of this one's: before/after runs with the same scenarios")
  .option('--no-instructions', "skip counting the transports' instructions per call under valgrind (judge them on throughput alone)")
  .option('--cpu-prof <dir>', 'write a V8 CPU profile of each server run into <dir> (open in Chrome DevTools or speedscope)')
  .action((options: Options) => run(options));

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
