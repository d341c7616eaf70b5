import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';
import { cpuMs, rssMb } from './proc.js';
import { keepHoldId, setupPlannedRequest, type Plan } from './request-plan.js';

/** One request of a scenario's sequence, as data (see request-plan.ts for why). */
export interface BenchRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  plan?: Plan;
  /** A hold whose booking id the next request (a confirm) needs. */
  keepHoldId?: boolean;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** The requests each connection cycles through (autocannon's request sequence). */
  requests: BenchRequest[];
  /** The server's process id, to sample its resident memory. */
  pid?: number | undefined;
  /** autocannon worker threads driving the load (the 4-core run size); in-process when absent. */
  workers?: number | undefined;
}

export interface LoadResult {
  /** Responses per second over the measured time (its total over its seconds). */
  requestsPerSecond: number;
  /** How long the load ran. */
  seconds: number;
  p50: number;
  /** Null when autocannon's workers measured (their merged histogram has no 95th percentile). */
  p95: number | null;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  /** Responses counted by status code. */
  statuses: Record<string, number>;
  peakRssMb: number | null;
  /**
   * The server process's CPU time (user and system) over the load, in milliseconds: per response,
   * a figure a shared machine's noise moves far less than throughput. Null without a server pid.
   */
  serverCpuMs: number | null;
}

/** The server's CPU time per response, in microseconds (LoadResult.serverCpuMs); null without it. */
export const cpuUsPerAnswer = (result: LoadResult): number | null =>
  result.serverCpuMs === null || result.total === 0 ? null : (result.serverCpuMs * 1000) / result.total;

/**
 * How often autocannon counts: a run ends at its first count past its duration, so with the
 * default second a half-second round (inRounds in scenarios.ts) would run for a whole one.
 */
const SAMPLE_MS = 50;

/** Latencies in microseconds, 1 µs to a minute, to three significant digits. */
const newHistogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });

/** In-process runs' latency histograms, so the halves of a scenario merge exactly (mergeLoads). */
const histograms = new WeakMap<LoadResult, hdr.Histogram>();

const SETUP_FILE = fileURLToPath(new URL('./request-plan.js', import.meta.url));
const KEEP_HOLD_ID_FILE = fileURLToPath(new URL('./keep-hold-id.js', import.meta.url));

/** autocannon's form of a request: functions in-process, files to `require` in workers. */
function toAutocannon(request: BenchRequest, inWorkers: boolean): autocannon.Request {
  const { keepHoldId: keep, ...rest } = request;
  const functions: Record<string, unknown> = {};
  if (request.plan) functions.setupRequest = inWorkers ? SETUP_FILE : setupPlannedRequest;
  if (keep) functions.onResponse = inWorkers ? KEEP_HOLD_ID_FILE : keepHoldId;
  return { ...rest, ...functions };
}

/**
 * Drives the target with autocannon and measures what the report needs. In-process, latencies
 * are recorded per response into an HDR histogram, so p95 is exact rather than interpolated;
 * workers report autocannon's own merged histogram of 2xx latencies (1 ms steps) instead.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const histogram = newHistogram();
  const statuses: Record<string, number> = {};
  let peakRssMb: number | null = null;
  const { pid } = options;
  const sampler = pid
    ? setInterval(() => {
        const rss = rssMb(pid);
        if (rss !== null) peakRssMb = Math.max(peakRssMb ?? 0, rss);
      }, 100)
    : undefined;

  const cpuBefore = pid ? cpuMs(pid) : null;

  const inWorkers = (options.workers ?? 0) > 1;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        sampleInt: SAMPLE_MS,
        requests: options.requests.map((r) => toAutocannon(r, inWorkers)),
        ...(inWorkers ? { workers: options.workers } : {}),
      },
      (error: Error | null, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      histogram.recordValue(Math.max(1, Math.round(responseTime * 1000)));
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
  if (sampler) clearInterval(sampler);
  const cpuAfter = pid ? cpuMs(pid) : null;
  const ms = (percentile: number) => histogram.getValueAtPercentile(percentile) / 1000;
  const merged: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) merged[status] = stats.count ?? 0;
  const measured = inWorkers
    ? {
        p50: result.latency.p50,
        p95: null,
        p99: result.latency.p99,
        statuses: merged,
      }
    : { p50: ms(50), p95: ms(95), p99: ms(99), statuses };
  // From its start and finish (milliseconds): autocannon's `duration` is rounded to 10 ms, a
  // fiftieth of a half-second round.
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  const loaded: LoadResult = {
    requestsPerSecond: result.requests.total / seconds,
    seconds,
    ...measured,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    peakRssMb,
    serverCpuMs: cpuBefore !== null && cpuAfter !== null ? cpuAfter - cpuBefore : null,
  };
  if (!inWorkers) histograms.set(loaded, histogram);
  return loaded;
}

/**
 * One result from the runs of a scenario spread over the run (see main.ts's two passes): the
 * responses over all their seconds, and the percentiles of all their latencies together.
 * Workers' runs carry no histogram: their percentiles are the worst run's.
 */
export function mergeLoads(parts: LoadResult[]): LoadResult {
  const [first, ...rest] = parts;
  if (!first) throw new Error('nothing to merge');
  if (rest.length === 0) return first;
  const sum = (pick: (part: LoadResult) => number) => parts.reduce((n, part) => n + pick(part), 0);
  const statuses: Record<string, number> = {};
  for (const part of parts) for (const [status, count] of Object.entries(part.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  const rss = parts.map((part) => part.peakRssMb).filter((mb): mb is number => mb !== null);
  const cpu = parts.map((part) => part.serverCpuMs);
  const recorded = parts.map((part) => histograms.get(part));
  let percentiles: Pick<LoadResult, 'p50' | 'p95' | 'p99'>;
  if (recorded.every((h): h is hdr.Histogram => h !== undefined)) {
    const all = newHistogram();
    for (const h of recorded) all.add(h);
    const ms = (percentile: number) => all.getValueAtPercentile(percentile) / 1000;
    percentiles = { p50: ms(50), p95: ms(95), p99: ms(99) };
  } else {
    const worst = (pick: (part: LoadResult) => number) => Math.max(...parts.map(pick));
    const p95s = parts.map((part) => part.p95);
    percentiles = { p50: worst((p) => p.p50), p95: p95s.includes(null) ? null : worst((p) => p.p95 ?? 0), p99: worst((p) => p.p99) };
  }
  const seconds = sum((part) => part.seconds);
  const total = sum((part) => part.total);
  return {
    requestsPerSecond: total / seconds,
    seconds,
    ...percentiles,
    total,
    non2xx: sum((part) => part.non2xx),
    errors: sum((part) => part.errors),
    statuses,
    peakRssMb: rss.length ? Math.max(...rss) : null,
    serverCpuMs: cpu.includes(null) ? null : sum((part) => part.serverCpuMs ?? 0),
  };
}
