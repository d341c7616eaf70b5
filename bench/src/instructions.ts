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
// serialization, and the GC work done there. Left out, on purpose: V8's background threads, whose
// optimizing compiler runs while code warms up and whose concurrent marking comes in bursts that
// would fall on one window and not another; and the kernel's side of each request, which is
// the same one read and one write a response on every transport.

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
  /** Concurrent callers, as the throughput load has connections. */
  connections: number;
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

/** Sends exactly `calls` requests of the sequence, in order, from `connections` callers; any answer but a 2xx ends the count. */
async function drive(url: string, sequence: BenchRequest[], calls: number, connections: number): Promise<void> {
  let next = 0;
  const caller = async () => {
    for (let k = next++; k < calls; k = next++) {
      const request = sequence[k % sequence.length];
      if (!request) throw new Error('nothing to send');
      const response = await fetch(`${url}${request.path}`, { method: request.method, ...(request.headers ? { headers: request.headers } : {}) });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${request.method} ${request.path} answered ${response.status} while counting`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(connections, calls) }, caller));
}

/**
 * Runs the server under callgrind on the seeded database, warms every scenario up, then counts
 * `windows` windows of `calls` calls of each, the transports of an operation in turn.
 */
export async function countInstructions(options: CountOptions): Promise<InstructionCount[]> {
  const { context, driver, scenarios, calls, windows, connections, serverDir, log } = options;
  const dir = await mkdtemp(join(tmpdir(), 'bench-callgrind-'));
  const vgdb = `--vgdb-prefix=${join(dir, 'vgdb')}`;
  const out = join(dir, 'callgrind.out');
  try {
    // The sweeper is off: it runs on the wall clock, which callgrind slows tens of times, so its
    // rounds land in whichever window is counting. The holds of the throughput runs lapse while
    // the counts run, and their expiry (an event each) read as 1.2M to 4.9M instructions a call
    // in the windows it fell in (SQLite availability, rounds ten and eleven). Reads never depend
    // on the sweep: a lapsed hold reads `expired` before it.
    const server = await spawnServer({ ...serverEnv(context.seeded.url), SWEEP_INTERVAL_SECONDS: '0' }, [], {
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

      const full: ScenarioContext = { ...context, captureSdk: sdkRecorder(server.url) };
      const sequences: [ScenarioName, BenchRequest[]][] = [];
      // One at a time: the SDK's captures share one recorder.
      for (const scenario of scenarios) sequences.push([scenario, inOrder(await scenarioRequests(scenario, full))]);
      for (const [scenario, sequence] of sequences) {
        log(`${driver}, ${context.seeded.rooms} rooms: warming ${scenario} up under callgrind`);
        await drive(server.url, sequence, 3 * calls, connections);
      }
      await dump();
      const counts = new Map<ScenarioName, number[]>(scenarios.map((scenario) => [scenario, []]));
      for (const { scenario, requests } of inRounds(sequences, windows)) {
        await drive(server.url, requests, calls, connections);
        counts.get(scenario)?.push((await dump()) / calls);
      }
      const { rooms, bookings } = context.seeded;
      return scenarios.map((scenario) => ({ driver, rooms, bookings, scenario, calls, windows: counts.get(scenario) ?? [] }));
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
