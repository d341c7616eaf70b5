import { execFileSync } from 'node:child_process';
import { cpus as onlineCpus } from 'node:os';

/**
 * Which CPUs the load generator (this process: autocannon, the ceiling, the webhook receiver) and
 * the server under test run on. Left to the scheduler on a 2-core machine, the two landed on one
 * core for seconds at a time: half-second runs of one and the same REST call read from 5,220 to
 * 10,455 req/s (median 5,644–6,988, coefficient of variation 0.16–0.26 in three runs of thirty),
 * and pinned, from 9,708 to 10,780 (0.07–0.09). A run size names its own split.
 */
export interface CpuSplit {
  /** taskset's list form: `0`, `0,1`. */
  load: string;
  server: string;
}

/** Every CPU of the machine, in taskset's list form. */
const everyCpu = () => `0-${onlineCpus().length - 1}`;

/** The highest CPU a taskset list names, so a split is only used where the machine has it. */
const highest = (list: string) => Math.max(...list.split(',').map(Number));

function taskset(args: string[]): boolean {
  try {
    execFileSync('taskset', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Pins every thread of the load generator `pid`, and those it starts later, to `cpus`. False,
 * and nothing pinned, where the machine lacks those CPUs or taskset.
 */
export function pinLoad(pid: number, cpus: string): boolean {
  // Not availableParallelism(): once this process is pinned it counts this process's CPUs only.
  if (highest(cpus) >= onlineCpus().length) return false;
  return taskset(['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)]);
}

/**
 * Pins a server's main thread (its event loop, and the threads it starts from now on) to `cpus`,
 * and lets V8's helper threads, started with it, run anywhere: they collect its garbage beside it,
 * as they would in production. (All on one core, a 1,000-room grid's 2.7 MB answers took half as
 * long again.) A child starts on its parent's CPUs, so the helpers are first let go of the load's.
 */
export function pinServer(pid: number, cpus: string): boolean {
  if (highest(cpus) >= onlineCpus().length) return false;
  return taskset(['--all-tasks', '--cpu-list', '--pid', everyCpu(), String(pid)]) && taskset(['--cpu-list', '--pid', cpus, String(pid)]);
}
