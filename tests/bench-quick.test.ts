import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BENCH = fileURLToPath(new URL('../bench/dist/main.js', import.meta.url));
let out: string | undefined;
afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

// The smoke run of `pnpm bench --quick`, so the benchmark cannot rot. It asserts what must
// always hold (no errors, no double booking, every scenario measured), not speed: these
// machines are shared, and the speed targets are judged on the full run.
describe('pnpm bench --quick', () => {
  it('measures every scenario against its ceiling and writes its reports', { timeout: 420_000 }, async () => {
    out = await mkdtemp(join(tmpdir(), 'bench-'));
    const { stdout } = await run(process.execPath, [BENCH, '--quick', '--drivers', 'sqlite', '--duration', '2', '--out', `${out}/`], {
      timeout: 380_000,
    });
    expect(stdout).toContain('x ceiling');
    expect(stdout).toContain('server CPU µs');
    const report = JSON.parse(await readFile(join(out, 'quick.json'), 'utf8'));
    const scenarios = report.rows.map((row: { scenario: string }) => row.scenario);
    // Each read over REST, tRPC and the SDK's batch link, and over REST again (the run's A/A control), side by side.
    expect(scenarios).toEqual([
      'ceiling',
      'rooms',
      'rooms-trpc',
      'rooms-sdk',
      'rooms-again',
      'availability',
      'availability-trpc',
      'availability-sdk',
      'availability-again',
      'hold',
      'flow',
      'contention',
      'availability, no heap budget',
      // Bare node:http as slow per answer as REST availability: the machine's queue at that cost.
      "queue floor (availability's CPU)",
      'ceiling',
      'sessions',
      'sessions-trpc',
      'sessions-sdk',
      'sessions-again',
      // Webhook delivery by one instance: a backlog's events/s, then one change at a time.
      'delivery backlog',
      'delivery idle',
    ]);
    for (const row of report.rows) {
      expect(row.requestsPerSecond, row.scenario).toBeGreaterThan(0);
      expect(row.errors, row.scenario).toBe(0);
      expect(Object.keys(row.statuses).filter((status) => Number(status) >= 500), row.scenario).toEqual([]);
      // Only contention is refused by design; a read or hold refused would measure nothing.
      if (row.scenario !== 'contention') expect(row.non2xx, row.scenario).toBe(0);
    }
    // Each read's transports counted under callgrind: instructions per call of the server's main thread, window by window.
    const counted = report.instructions.map((count: { scenario: string }) => count.scenario);
    expect(counted).toEqual(scenarios.filter((s: string) => /^(rooms|availability|sessions)(-trpc|-sdk|-again)?$/.test(s)));
    for (const { scenario, windows } of report.instructions) {
      expect(windows, scenario).toHaveLength(2);
      // More than node's own event loop turn, less than a 1,000-room answer.
      for (const perCall of windows) expect(perCall, scenario).toBeGreaterThan(50_000);
      for (const perCall of windows) expect(perCall, scenario).toBeLessThan(50_000_000);
    }
    // The queue floor's server is a process of its own, measured like the API's.
    expect(report.rows.find((row: { scenario: string }) => row.scenario.startsWith('queue floor')).serverCpuMs).toBeGreaterThan(0);
    // The counts judge the transports.
    const judged = report.checks.filter((c: { target: string }) => c.target.includes('in what its cost per call allows'));
    expect(judged).toHaveLength(9);
    // The SDK rows replay what createBookingClient sent: its batch link's GETs.
    expect(report.sdkRequests).toHaveLength(3);
    for (const sent of report.sdkRequests) expect(sent).toMatch(/"method":"GET","path":"\/trpc\/[a-z.]+\?batch=1&input=/i);
    const byScenario = Object.fromEntries(report.rows.map((row: { scenario: string }) => [row.scenario, row]));
    expect(byScenario.hold.non2xx).toBe(0);
    expect(byScenario.contention.doubleBookings).toBe(0);
    expect(byScenario.contention.winners).toBeLessThanOrEqual(5);
    expect(byScenario.availability.peakRssMb).toBeGreaterThan(0);
    // The server's CPU time over the load: some, and no more than the machine's cores had in that time.
    const { serverCpuMs, seconds } = byScenario.availability;
    expect(serverCpuMs).toBeGreaterThan(0);
    expect(serverCpuMs).toBeLessThanOrEqual(seconds * 1000 * availableParallelism());
    // Every event of the backlog arrived, each once or more (its check counts the distinct ones), and idle ones too.
    const backlog = report.checks.find((c: { target: string }) => c.target.startsWith('delivery backlog')).measured as string;
    const [, events, distinct] = /\(([\d,]+) events in .*, ([\d,]+) distinct\)/.exec(backlog) ?? [];
    expect(Number(events?.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(distinct, backlog).toBe(events);
    expect(byScenario['delivery idle'].total).toBeGreaterThan(0);
    // Every scheduled room's day (ten sessions each), some of it booked by the seeded history.
    expect(byScenario.sessions.non2xx).toBe(0);
    expect(byScenario.sessions.grid.sessions).toBe(byScenario.sessions.rooms * 10);
    expect(byScenario.sessions.grid.booked).toBeGreaterThan(0);
    // Both probes are answered from a covering index: a range, never a scan of the history.
    // Availability: one range for the slot, widened by the longest reset; sessions: one range for the window.
    expect(report.plans[0]).toMatch(/SEARCH booking USING COVERING INDEX booking_span_idx \(start_at>\? AND start_at<\?\)/);
    expect(report.plans[1]).toMatch(/SEARCH booking USING COVERING INDEX booking_span_idx \(start_at>\? AND start_at<\?\)/);
    expect(await readFile(join(out, 'quick.md'), 'utf8')).toContain('## Targets');
  });
});
