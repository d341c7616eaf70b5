import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadResult } from './load.js';
import type { DeliveryScenario } from './delivery.js';
import type { ScenarioName } from './scenarios.js';

export const UNBUDGETED = 'availability, no heap budget';

export interface Row extends LoadResult {
  driver: string;
  rooms: number;
  bookings: number;
  /** `availability, no heap budget`: the same load on a server started without the start script's heap flags. */
  scenario: ScenarioName | 'ceiling' | typeof UNBUDGETED | DeliveryScenario;
  /** Ceilings only: the JSON it serves, one availability answer or one day's sessions grid. */
  ceilingOf?: 'availability' | 'sessions';
  /** Throughput as a share of the bare node:http ceiling (of the same JSON) measured in the same run. */
  ratio: number;
  /** Sessions only: the grid one answer holds. */
  grid?: { date: string; sessions: number; booked: number; available: number; bytes: number };
  /** Contention only: slots won, and live bookings found overlapping afterwards. */
  winners?: number;
  doubleBookings?: number;
}

export interface Check {
  target: string;
  measured: string;
  pass: boolean;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

function columns(row: Row): string[] {
  return [
    row.driver,
    String(row.rooms),
    row.bookings.toLocaleString('en'),
    row.ceilingOf === 'sessions' ? 'ceiling (sessions JSON)' : row.scenario,
    fmt(row.requestsPerSecond, 0),
    row.scenario === 'ceiling' ? '1.000' : fmt(row.ratio, 3),
    fmt(row.p50, 2),
    fmt(row.p95, 2),
    fmt(row.p99, 2),
    String(row.non2xx),
    String(row.errors),
    String(Object.entries(row.statuses).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0)),
    row.peakRssMb === null ? '-' : fmt(row.peakRssMb, 0),
  ];
}

const HEAD = ['driver', 'rooms', 'bookings', 'scenario', 'req/s', 'x ceiling', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors', '5xx', 'RSS MB'];

export function textTable(rows: Row[]): string {
  const cells = [HEAD, ...rows.map(columns)];
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

function markdown(rows: Row[], checks: Check[], meta: Record<string, unknown>, plans: string[]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    '# Benchmark results',
    '',
    Object.entries(meta).map(([k, v]) => `- ${k}: ${String(v)}`).join('\n'),
    '',
    line(HEAD),
    line(HEAD.map(() => '---')),
    ...rows.map((row) => line(columns(row))),
    '',
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

export async function writeReport(dir: string, name: string, rows: Row[], checks: Check[], meta: Record<string, unknown>, plans: string[]) {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify({ meta, rows, checks, plans }, null, 2)}\n`);
  await writeFile(join(dir, `${name}.md`), markdown(rows, checks, meta, plans));
}
