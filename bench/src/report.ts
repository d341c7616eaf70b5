import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpuUsPerAnswer, type LoadResult } from './load.js';
import type { DeliveryScenario } from './delivery.js';
import type { InstructionCount } from './instructions.js';
import { restOf, scenarioLabel, transportOf, type ScenarioName } from './scenarios.js';

export const UNBUDGETED = 'availability, no heap budget';
/** Bare node:http spending REST availability's CPU on every answer (queue-floor.ts). */
export const QUEUE_FLOOR = "queue floor (availability's CPU)";

export interface Row extends LoadResult {
  driver: string;
  rooms: number;
  bookings: number;
  /** `availability, no heap budget`: the same load on a server started without the start script's heap flags. */
  scenario: ScenarioName | 'ceiling' | typeof UNBUDGETED | typeof QUEUE_FLOOR | DeliveryScenario;
  /** Ceilings only: the JSON it serves, one availability answer or one day's sessions grid. */
  ceilingOf?: 'availability' | 'sessions';
  /** Throughput as a share of the bare node:http ceiling (of the same JSON) measured in the same run. */
  ratio: number;
  /** Sessions only: the grid one answer holds. */
  grid?: { date: string; sessions: number; booked: number; available: number; bytes: number };
  /**
   * Requests per second of each run the row merges, in the order they ran. An operation's
   * transports ran in rounds side by side (inRounds in scenarios.ts): their k-th runs pair up.
   */
  rounds?: number[];
  /** Contention only: slots won, and live bookings found overlapping afterwards. */
  winners?: number;
  doubleBookings?: number;
}

export interface Check {
  target: string;
  measured: string;
  pass: boolean;
}

const isDelivery = (scenario: Row['scenario']): scenario is DeliveryScenario => scenario.startsWith('delivery');

/** A row of an operation over a transport; not a ceiling, the unbudgeted run, the queue floor or delivery. */
export const isOperationRow = (row: Row): row is Row & { scenario: ScenarioName } =>
  row.scenario !== 'ceiling' && row.scenario !== UNBUDGETED && row.scenario !== QUEUE_FLOOR && !isDelivery(row.scenario);

const fmt = (n: number | null, digits = 1) => (n === null ? '-' : n.toFixed(digits));
/** Requests per second: whole below 100 hides a 1,000-room grid's 1.4 against 0.6. */
export const rps = (n: number) => n.toFixed(n < 100 ? 1 : 0);

/** The row's name in reports: the operation and the path it took, e.g. `rooms.list (SDK batch)`. */
export function rowLabel(row: Row): string {
  if (row.scenario === 'ceiling') return row.ceilingOf === 'sessions' ? 'ceiling (sessions JSON)' : 'ceiling';
  return isOperationRow(row) ? scenarioLabel(row.scenario) : row.scenario;
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? (sorted[Math.floor(middle)] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

/**
 * The median, over windows measured side by side, of one series' value against another's in the
 * same window (a round of throughput, a window of instruction counts). A burst of a shared
 * machine's noise moves a few windows of both series, not the median.
 */
export function pairedRatio(mine: number[], theirs: number[]): number {
  return median(mine.map((value, k) => value / (theirs[k] ?? NaN)));
}

/** One row's throughput against another's, round by round (pairedRatio). Rows not measured in rounds compare whole. */
export function pairedShare(row: Row, against: Row): { share: number; rounds: number } {
  const mine = row.rounds ?? [];
  const theirs = against.rounds ?? [];
  if (mine.length < 2 || mine.length !== theirs.length) return { share: row.requestsPerSecond / against.requestsPerSecond, rounds: 1 };
  return { share: pairedRatio(mine, theirs), rounds: mine.length };
}

type Scale = Pick<Row, 'driver' | 'rooms' | 'bookings'>;
/** Whether two measurements, a row or an instruction count, are of the same driver and seeded scale. */
export const sameScale = (a: Scale, b: Scale) => a.driver === b.driver && a.rooms === b.rooms && a.bookings === b.bookings;

/** The REST row of a row's operation, scale and driver; none for REST's own rows and rows of no operation. */
export function restRowOf(row: Row, rows: Row[]): Row | undefined {
  if (!isOperationRow(row) || transportOf(row.scenario) === 'REST') return undefined;
  const rest = restOf(row.scenario);
  return rows.find((r) => r.scenario === rest && sameScale(r, row));
}

/** Throughput against the REST row of the same operation, scale and driver, for the other transports' rows. */
function againstRest(row: Row, rows: Row[]): string {
  const rest = restRowOf(row, rows);
  return rest ? fmt(pairedShare(row, rest).share, 2) : '';
}

function columns(row: Row, rows: Row[]): string[] {
  return [
    row.driver,
    String(row.rooms),
    row.bookings.toLocaleString('en'),
    rowLabel(row),
    rps(row.requestsPerSecond),
    row.scenario === 'ceiling' ? '1.000' : fmt(row.ratio, 3),
    againstRest(row, rows),
    fmt(row.p50, 2),
    fmt(row.p95, 2),
    fmt(row.p99, 2),
    fmt(cpuUsPerAnswer(row), 0),
    String(row.non2xx),
    String(row.errors),
    String(Object.entries(row.statuses).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0)),
    row.peakRssMb === null ? '-' : fmt(row.peakRssMb, 0),
  ];
}

const HEAD = ['driver', 'rooms', 'bookings', 'scenario', 'req/s', 'x ceiling', 'x REST', 'p50 ms', 'p95 ms', 'p99 ms', 'server CPU µs', 'non-2xx', 'errors', '5xx', 'RSS MB'];

export function textTable(rows: Row[]): string {
  const cells = [HEAD, ...rows.map((row) => columns(row, rows))];
  const widths = HEAD.map((_, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)));
  return cells.map((r) => r.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ')).join('\n');
}

/** What each sessions answer held, since its size, not the database's, sets its cost. */
function sessionsGrids(rows: Row[]): string[] {
  const grids = rows.flatMap(({ driver, rooms, bookings, grid }) => (grid ? [{ driver, rooms, bookings, ...grid }] : []));
  if (grids.length === 0) return [];
  return [
    '## Sessions grids',
    '',
    ...grids.map(({ driver, rooms, bookings, date, sessions, booked, available, bytes }) => {
      return `- ${driver}, ${rooms} rooms, ${bookings.toLocaleString('en')} bookings: ${date}, ${sessions.toLocaleString('en')} sessions (${booked.toLocaleString('en')} booked, ${available.toLocaleString('en')} available), ${(bytes / 1024).toFixed(0)} KB per answer`;
    }),
    '',
  ];
}

/** The REST count of a count's operation, scale and driver; none for REST's own. */
export function restCountOf(count: InstructionCount, counts: InstructionCount[]): InstructionCount | undefined {
  if (transportOf(count.scenario) === 'REST') return undefined;
  const rest = restOf(count.scenario);
  return counts.find((c) => c.scenario === rest && sameScale(c, count));
}

const line = (cells: string[]) => `| ${cells.join(' | ')} |`;

function instructionTable(counts: InstructionCount[]): string[] {
  if (counts.length === 0) return [];
  const thousands = (n: number) => `${(n / 1000).toFixed(1)}k`;
  return [
    "## Instructions per call (the server's main thread, counted by callgrind)",
    '',
    line(['driver', 'rooms', 'bookings', 'scenario', 'calls', 'instructions per call', 'x REST', 'windows, least to most']),
    line(['---', '---', '---', '---', '---', '---', '---', '---']),
    ...counts.map((count) => {
      const rest = restCountOf(count, counts);
      const sorted = [...count.windows].sort((a, b) => a - b);
      return line([
        count.driver,
        String(count.rooms),
        count.bookings.toLocaleString('en'),
        scenarioLabel(count.scenario),
        `${count.windows.length} × ${count.calls}`,
        thousands(median(count.windows)),
        rest ? pairedRatio(count.windows, rest.windows).toFixed(3) : '',
        sorted.map(thousands).join(', '),
      ]);
    }),
    '',
    "What each call cost the server's main thread, in instructions: the same build run under valgrind's callgrind on the same",
    'database after the throughput runs, one call at a time, with the collector the meta names (CollectorMode in instructions.ts).',
    "A count, not a time, so a shared machine's noise does not move it. An operation's transports ran in turn, window by window,",
    "after every one was warmed up; `x REST` is the median, over the windows, of a row's count against REST's in the same window",
    "(above 1 costs more). The transports' targets are judged on these counts (evaluate.ts).",
    '',
  ];
}

function markdown(rows: Row[], checks: Check[], meta: Record<string, unknown>, plans: string[], sdkRequests: string[], counts: InstructionCount[]): string {
  return [
    '# Benchmark results',
    '',
    Object.entries(meta).map(([k, v]) => `- ${k}: ${String(v)}`).join('\n'),
    '',
    line(HEAD),
    line(HEAD.map(() => '---')),
    ...rows.map((row) => line(columns(row, rows))),
    '',
    'Each operation is measured over REST (`/api/v1/…`), tRPC (`GET /trpc/<procedure>?input=…`) and the SDK\'s batch link',
    '(the requests `createBookingClient` sent for the call, captured from the real client and replayed), and over REST once more',
    '(`REST, again`: the run\'s A/A control), in rounds side by side. `x REST` is a row\'s throughput against the REST row of the',
    'same operation and scale, round by round (the median of its rounds\' ratios). Availability draws its ranges from one set shared by all.',
    '`server CPU µs` is the server process\'s CPU time (user and system, from /proc) over the load, per response: less moved by a',
    'shared machine\'s noise than throughput, it compares the transports\' own cost.',
    `\`${QUEUE_FLOOR}\`: bare node:http sending the availability JSON after a busy wait that makes its CPU per answer REST`,
    'availability\'s (queue-floor.ts): the latency any server of that cost reads on this machine at these connections, its queue.',
    'Shown beside availability\'s p99, not judged.',
    '',
    ...instructionTable(counts),
    ...(sdkRequests.length > 0 ? ['## What the SDK sends (replayed by the SDK batch rows)', '', ...sdkRequests.map((r) => `- \`${r}\``), ''] : []),
    ...sessionsGrids(rows),
    '## Targets',
    '',
    line(['target', 'measured', 'result']),
    line(['---', '---', '---']),
    ...checks.map((c) => line([c.target, c.measured, c.pass ? 'pass' : '**FAIL**'])),
    '',
    '## Query plans of the availability probe and the sessions grid',
    '',
    ...plans.map((plan) => ['```', plan, '```'].join('\n')),
    '',
  ].join('\n');
}

export interface Report {
  rows: Row[];
  /** Instructions per call of the transports, where the run counted them. */
  instructions: InstructionCount[];
  checks: Check[];
  meta: Record<string, unknown>;
  plans: string[];
  sdkRequests: string[];
}

export async function writeReport(dir: string, name: string, report: Report) {
  const { rows, instructions, checks, meta, plans, sdkRequests } = report;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify({ meta, rows, instructions, checks, plans, sdkRequests }, null, 2)}\n`);
  await writeFile(join(dir, `${name}.md`), markdown(rows, checks, meta, plans, sdkRequests, instructions));
}
