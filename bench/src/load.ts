import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** The requests each connection cycles through (autocannon's request sequence). */
  requests: autocannon.Request[];
  /** The server's process id, to sample its resident memory. */
  pid?: number | undefined;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  /** Responses counted by status code. */
  statuses: Record<string, number>;
  peakRssMb: number | null;
}

function rssMb(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Drives the target with autocannon and measures what the report needs. Latencies are
 * recorded per response into an HDR histogram, so p95 is exact rather than interpolated.
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

  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: options.url, connections: options.connections, duration: options.durationSeconds, requests: options.requests },
      (error: Error | null, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      histogram.recordValue(Math.max(1, Math.round(responseTime * 1000)));
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
  if (sampler) clearInterval(sampler);
  const ms = (percentile: number) => histogram.getValueAtPercentile(percentile) / 1000;
  return {
    requestsPerSecond: result.requests.average,
    p50: ms(50),
    p95: ms(95),
    p99: ms(99),
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses,
    peakRssMb,
  };
}
