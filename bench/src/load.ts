import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';
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
  requestsPerSecond: number;
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
}

const SETUP_FILE = fileURLToPath(new URL('./request-plan.js', import.meta.url));
const KEEP_HOLD_ID_FILE = fileURLToPath(new URL('./keep-hold-id.js', import.meta.url));

function rssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

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
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const statuses: Record<string, number> = {};
  let peakRssMb: number | null = null;
  const { pid } = options;
  const sampler = pid
    ? setInterval(() => {
        const rss = rssMb(pid);
        if (rss !== null) peakRssMb = Math.max(peakRssMb ?? 0, rss);
      }, 100)
    : undefined;

  const inWorkers = (options.workers ?? 0) > 1;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
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
  return {
    requestsPerSecond: result.requests.average,
    ...measured,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    peakRssMb,
  };
}
