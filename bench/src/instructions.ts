import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnServer } from '@escape-room/test-utils';
import type { BenchRequest } from './load.js';
import { withVariant } from './request-plan.js';
import { inRounds, scenarioRequests, type ScenarioContext, type ScenarioName } from './scenarios.js';
import { sdkRecorder } from './sdk-capture.js';
import { serverEnv } from './seed.js';

// The transports' cost to the server, counted rather than timed.
//
// Throughput on a shared two-core machine reads up to 10% apart for the same path measured twice
// (the `REST, again` rows), so it cannot tell whether tRPC and the SDK keep within 5% of REST.
// Instructions can: callgrind (valgrind) counts what the server's main thread executes, whatever
// else the machine is doing. The main thread is where a Node server spends its throughput: every
// request's parsing, routing, procedure, database call (both drivers are called from it) and
// serialization. The kernel's side of each request is left out: it is the same one read and one
// write a response on every transport.

/**
 * How the counted server collects garbage, by the size of what a call allocates.
 *
 * - `v8`: as `pnpm start` runs it, V8's helper threads left out of the count. For cheap reads
 *   (tens of kilobytes a call), whose 500-call windows average their collections: SQLite's
 *   `rooms.list` read 354k to 360k instructions a call in round twelve's first full run.
 * - `steady`: V8 on the main thread alone (`--single-threaded`: a collection's marking and
 *   sweeping, and the optimizing compiler, run there, in the count), its heap grown by fixed
 *   steps rather than by how fast the last collections ran, which callgrind's slowdown distorts
 *   (`--predictable-gc-schedule`), and each window started from a full collection. For answers
 *   of megabytes (the 1,000-room grid, 2.7 MB), where one collection more or less moves a
 *   ten-call window by tens of millions of instructions: the grid's windows read 132M to 200M
 *   instructions a call as `v8` (SQLite, round twelve's first full run), 195M to 199M as
 *   `steady` (its second). Cheap reads do not take it: their windows read 650k to 977k as
 *   `steady` (the same second run), a collection's whole work in some and not others.
 *
 * Either way every transport of an operation is counted the same way, which is what the
 * comparison needs.
 */
export type CollectorMode = 'v8' | 'steady';
const STEADY_V8_OPTIONS = ['--single-threaded', '--predictable-gc-schedule'];

const execute = promisify(execFile);

/** What one scenario's calls cost the server's main thread, window by window. */
export interface InstructionCount {
  driver: string;
  rooms: number;
  bookings: number;
  scenario: ScenarioName;
  /** Calls in each window. */
  calls: number;
  /**
   * Instructions per call in each window, in the order they ran. An operation's transports ran
   * in turn, window by window (inRounds), so their k-th windows pair up, as throughput rounds do.
   */
  windows: number[];
}

export interface CountOptions {
  context: Omit<ScenarioContext, 'captureSdk'>;
  driver: string;
  /** The transports of each operation to compare; reads only, since a write's cost changes what the next one finds. */
  scenarios: ScenarioName[];
  calls: number;
  windows: number;
  collector: CollectorMode;
  serverDir?: string | undefined;
  log: (text: string) => void;
}

/** Whether this machine can count (valgrind is a package of every Debian; the CI machines have it). */
export async function canCount(): Promise<boolean> {
  return execute('valgrind', ['--version']).then(
    () => true,
    () => false,
  );
}

/** A read's requests in a fixed order: a drawn request's variants one after another, so every window of every transport asks the same things. */
function inOrder(requests: BenchRequest[]): BenchRequest[] {
  return requests.flatMap((request) => {
    if (request.method !== 'GET') throw new Error(`only reads are counted, not ${request.method} ${request.path}`);
    const { plan, ...fixed } = request;
    if (!plan) return [request];
    if (plan.kind !== 'pick') throw new Error(`a ${plan.kind} plan is not a read`);
    return plan.variants.map((variant) => withVariant(fixed, variant));
  });
}

/**
 * Sends exactly `calls` requests of the sequence, in order, one at a time; any answer but a 2xx
 * ends the count.
 *
 * One at a time, not at the throughput load's concurrency: with 32 callers, how many requests and
 * database answers each turn of the server's event loop finds ready depends on timing, and a
 * PostgreSQL call spans several turns. So one path's windows read apart by what the turns happened
 * to batch: PostgreSQL availability's windows of one transport from 405k to 502k instructions a
 * call (round eleven), its control from 94.9% to 105.3% of REST from one run to the next. One
 * call at a time, every call takes the same turns. Counted both ways on one database (round
 * twelve), REST's six windows read 470k to 567k at 32 callers and 465k to 474k alone, the
 * control's 472k to 644k and 466k to 472k. The turns a call costs alone are the same on every
 * transport, so what tells the transports apart stays.
 */
async function drive(url: string, sequence: BenchRequest[], calls: number): Promise<void> {
  for (let k = 0; k < calls; k += 1) {
    const request = sequence[k % sequence.length];
    if (!request) throw new Error('nothing to send');
    const response = await fetch(`${url}${request.path}`, { method: request.method, ...(request.headers ? { headers: request.headers } : {}) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${request.method} ${request.path} answered ${response.status} while counting`);
  }
}

/**
 * The server's inspector (node --inspect), used for one thing: the full collection before each
 * of a `steady` count's windows. The collection itself is not counted (the counters are zeroed
 * after it).
 */
async function connectInspector(logs: string[]): Promise<{ collectGarbage: () => Promise<void>; close: () => void }> {
  const address = logs.map((line) => /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1]).find((found) => found !== undefined);
  if (!address) throw new Error(`the counted server printed no inspector address:\n${logs.join('\n')}`);
  const socket = new WebSocket(address);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', () => reject(new Error(`could not reach the counted server's inspector at ${address}`)), { once: true });
  });
  const answers = new Map<number, (reply: { error?: { message: string } }) => void>();
  socket.addEventListener('message', (event) => {
    const reply = JSON.parse(String(event.data)) as { id?: number; error?: { message: string } };
    if (reply.id !== undefined) answers.get(reply.id)?.(reply);
  });
  let sent = 0;
  const call = (method: string) =>
    new Promise<void>((resolve, reject) => {
      const id = (sent += 1);
      answers.set(id, (reply) => {
        answers.delete(id);
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
        else resolve();
      });
      socket.send(JSON.stringify({ id, method }));
    });
  return { collectGarbage: () => call('HeapProfiler.collectGarbage'), close: () => socket.close() };
}

/**
 * Runs the server under callgrind on the seeded database, warms every scenario up, then counts
 * `windows` windows of `calls` calls of each, the transports of an operation in turn.
 */
export async function countInstructions(options: CountOptions): Promise<InstructionCount[]> {
  const { context, driver, scenarios, calls, windows, collector, serverDir, log } = options;
  const steady = collector === 'steady';
  const dir = await mkdtemp(join(tmpdir(), 'bench-callgrind-'));
  const vgdb = `--vgdb-prefix=${join(dir, 'vgdb')}`;
  const out = join(dir, 'callgrind.out');
  try {
    // The sweeper is off: it runs on the wall clock, which callgrind slows tens of times, so its
    // rounds land in whichever window is counting. The holds of the throughput runs lapse while
    // the counts run, and their expiry (an event each) read as 1.2M to 4.9M instructions a call
    // in the windows it fell in (SQLite availability, rounds ten and eleven). Reads never depend
    // on the sweep: a lapsed hold reads `expired` before it.
    const server = await spawnServer({ ...serverEnv(context.seeded.url), SWEEP_INTERVAL_SECONDS: '0' }, steady ? ['--inspect=127.0.0.1:0', ...STEADY_V8_OPTIONS] : [], {
      serverDir,
      launcher: ['valgrind', '--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', vgdb, `--callgrind-out-file=${out}`],
    });
    try {
      const pid = String(server.child.pid);
      // vgdb names its pipes after the prefix and each side's $USER and $HOST: the server's own
      // environment, not this process's, sets them (spawnServer gives it a HOST).
      const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
      const named = Object.fromEntries(['USER', 'HOST'].map((name) => [name, environ.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1)]));
      const env = { ...process.env, ...named };
      const control = (...args: string[]) => execute('callgrind_control', [vgdb, ...args, pid], { env });
      let dumps = 0;
      /** Main-thread instructions since the last dump (callgrind zeroes its counters at each). */
      const dump = async () => {
        await control('--dump');
        dumps += 1;
        const text = await readFile(`${out}.${dumps}-01`, 'utf8');
        const total = /^(?:totals|summary):\s+(\d+)/m.exec(text)?.[1];
        if (total === undefined) throw new Error(`callgrind's dump ${dumps} holds no total`);
        return Number(total);
      };
      await control('--instr=on');
      const inspector = steady ? await connectInspector(server.logs) : undefined;

      const full: ScenarioContext = { ...context, captureSdk: sdkRecorder(server.url) };
      const sequences: [ScenarioName, BenchRequest[]][] = [];
      // One at a time: the SDK's captures share one recorder.
      for (const scenario of scenarios) sequences.push([scenario, inOrder(await scenarioRequests(scenario, full))]);
      for (const [scenario, sequence] of sequences) {
        log(`${driver}, ${context.seeded.rooms} rooms: warming ${scenario} up under callgrind`);
        await drive(server.url, sequence, 3 * calls);
      }
      const counts = new Map<ScenarioName, number[]>(scenarios.map((scenario) => [scenario, []]));
      for (const { scenario, requests } of inRounds(sequences, windows)) {
        await inspector?.collectGarbage();
        await control('--zero');
        await drive(server.url, requests, calls);
        counts.get(scenario)?.push((await dump()) / calls);
      }
      inspector?.close();
      const { rooms, bookings } = context.seeded;
      return scenarios.map((scenario) => ({ driver, rooms, bookings, scenario, calls, windows: counts.get(scenario) ?? [] }));
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
