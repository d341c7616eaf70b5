import type { InstructionCount } from './instructions.js';
import { cpuUsPerAnswer } from './load.js';
import type { Check, Row } from './report.js';
import { QUEUE_FLOOR, UNBUDGETED, isOperationRow, median, pairedRatio, pairedShare, restCountOf, restRowOf, rowLabel, rps, sameScale } from './report.js';
import { transportOf, type ScenarioName } from './scenarios.js';
import { SESSIONS_PER_DAY } from './seed.js';

/** Issue 14's targets, as shares of the ceiling of the same run (SQLite unless a driver is named). */
export const TARGETS = {
  availabilityShare: 0.2,
  availabilityP99Ms: 15,
  sessionsTenRoomsShare: 0.15,
  sessionsThousandRoomsShare: 0.03,
  holdShare: { sqlite: 0.06, postgresql: 0.04 } as Record<string, number>,
  holdP99Ms: { sqlite: 30 } as Record<string, number>,
  rssMb: 200,
  /**
   * How far apart two measurements of one path may read in a run that can judge the transports
   * (see transportChecks): the `REST, again` control must land within it of REST.
   */
  transportResolution: 0.05,
  /** What the start script's heap flags may cost availability, against a server started without them. */
  heapBudgetShare: 0.75,
};

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const cpuPerAnswer = (row: Row) => cpuUsPerAnswer(row)?.toFixed(0) ?? '-';
const where = (row: Row) => `${row.driver}, ${row.rooms} rooms, ${row.bookings.toLocaleString('en')}`;
const fiveHundreds = (row: Row) =>
  Object.entries(row.statuses)
    .filter(([status]) => Number(status) >= 500)
    .reduce((n, [, count]) => n + count, 0);
type ScenarioRow = Row & { scenario: ScenarioName };

/**
 * tRPC and the SDK's batch link serve at least what REST serves for the same procedure, in the
 * same scale of the same run, to the run's resolution.
 *
 * The transports share every step but reading the input and wrapping the answer (apps/server's
 * http/), so their true difference is a few microseconds a call, and a comparison of two
 * measurements is decided by the machine's noise, by TARGETS.transportResolution or more: a bare
 * `>=` would pass or fail as a coin falls. So each operation is measured over REST twice (the
 * `REST, again` control), and a comparison judges the transports only to the resolution it
 * shows: the control must read within it of REST, or the measure is too noisy to judge, and each
 * other transport must read no further below REST than that.
 *
 * Where the run counted instructions (instructions.ts), the counts judge: throughput on a
 * shared machine has read the same path 9% apart, counts within 4% (within 1% on most rows).
 * The server's throughput is what its main thread's cost per call allows, so a transport's share
 * of REST's throughput is REST's count against its own. Rows without counts are judged on
 * throughput.
 */
function transportChecks(rows: Row[], counts: InstructionCount[]): Check[] {
  const checks: Check[] = [];
  const resolution = TARGETS.transportResolution;
  const judge = (peer: ScenarioName, share: number, refused: number) => {
    const control = transportOf(peer) === 'REST, again';
    return refused === 0 && (control ? Math.abs(share - 1) <= resolution : share >= 1 - resolution);
  };
  const target = (row: ScenarioRow, rest: Row, by: string) =>
    transportOf(row.scenario) === 'REST, again'
      ? `${rowLabel(row)} within ${percent(resolution)} of ${rowLabel(rest)} ${by}: the measure resolves ${percent(resolution)} (${where(rest)})`
      : `${rowLabel(row)} >= ${rowLabel(rest)} ${by}, to the measure's resolution (${where(rest)})`;
  for (const peer of rows.filter(isOperationRow)) {
    const rest = restRowOf(peer, rows);
    if (!rest) continue;
    const { share, rounds } = pairedShare(peer, rest);
    // A fast refusal is no throughput: both sides must have answered every call with a 2xx.
    const refused = peer.non2xx + rest.non2xx + peer.errors + rest.errors;
    const whole = `${rps(peer.requestsPerSecond)} vs ${rps(rest.requestsPerSecond)} req/s`;
    const throughput = `${(share * 100).toFixed(1)}%${rounds > 1 ? ` (median of ${rounds} rounds; ${whole} over all)` : ` (${whole})`}${refused ? `, ${refused} non-2xx or errors` : ''}`;
    const count = counts.find((c) => c.scenario === peer.scenario && sameScale(c, peer));
    const restCount = count && restCountOf(count, counts);
    if (!count || !restCount) {
      checks.push({ target: target(peer, rest, 'in throughput'), measured: throughput, pass: judge(peer.scenario, share, refused) });
      continue;
    }
    const cost = pairedRatio(count.windows, restCount.windows);
    const instructions = `${(median(count.windows) / 1000).toFixed(1)}k vs ${(median(restCount.windows) / 1000).toFixed(1)}k`;
    checks.push({
      target: target(peer, rest, 'in what its cost per call allows'),
      measured: `${(100 / cost).toFixed(1)}% (instructions per call ${instructions}, median of ${count.windows.length} windows); throughput read ${throughput}`,
      pass: judge(peer.scenario, 1 / cost, refused),
    });
  }
  return checks;
}

function shareChecks(rows: Row[]): Check[] {
  const checks: Check[] = [];
  const sqlite = rows.filter((r) => r.driver === 'sqlite');
  for (const a of sqlite.filter((r) => r.scenario === 'availability' && r.rooms === 10 && r.bookings === 100_000)) {
    checks.push({ target: `${rowLabel(a)} (${where(a)}): >= ${percent(TARGETS.availabilityShare)} of ceiling`, measured: percent(a.ratio), pass: a.ratio >= TARGETS.availabilityShare });
    // The queue floor says how much of the p99 is the machine's queue at this CPU per answer: it is not judged.
    const floor = rows.find((r) => r.scenario === QUEUE_FLOOR && r.rooms === a.rooms);
    const queue = floor ? `; bare node:http as slow per answer (${cpuPerAnswer(floor)} µs against ${cpuPerAnswer(a)}): ${floor.p99.toFixed(2)} ms` : '';
    checks.push({ target: `${rowLabel(a)} (${where(a)}): p99 < ${TARGETS.availabilityP99Ms} ms`, measured: `${a.p99.toFixed(2)} ms${queue}`, pass: a.p99 < TARGETS.availabilityP99Ms });
  }
  for (const s of sqlite.filter((r) => r.scenario === 'sessions' && r.rooms === 10 && r.bookings === 100_000)) {
    checks.push({ target: `${rowLabel(s)}, one day (${where(s)}): >= ${percent(TARGETS.sessionsTenRoomsShare)} of ceiling`, measured: percent(s.ratio), pass: s.ratio >= TARGETS.sessionsTenRoomsShare });
  }
  for (const s of sqlite.filter((r) => r.scenario === 'sessions' && r.rooms === 1000)) {
    checks.push({ target: `${rowLabel(s)}, one day (${where(s)}): >= ${percent(TARGETS.sessionsThousandRoomsShare)} of ceiling`, measured: percent(s.ratio), pass: s.ratio >= TARGETS.sessionsThousandRoomsShare });
  }
  for (const h of rows.filter((r) => r.scenario === 'hold' && r.rooms === 10 && r.bookings === 1_000_000)) {
    const share = TARGETS.holdShare[h.driver];
    if (share !== undefined) checks.push({ target: `${rowLabel(h)} (${where(h)}): >= ${percent(share)} of ceiling`, measured: percent(h.ratio), pass: h.ratio >= share });
    const p99 = TARGETS.holdP99Ms[h.driver];
    if (p99 !== undefined) checks.push({ target: `${rowLabel(h)} (${where(h)}): p99 < ${p99} ms`, measured: `${h.p99.toFixed(2)} ms`, pass: h.p99 < p99 });
  }
  return checks;
}

function correctnessChecks(rows: Row[]): Check[] {
  const checks: Check[] = [];
  for (const h of rows.filter((r) => r.scenario === 'hold')) {
    checks.push({ target: `${rowLabel(h)} (${where(h)}): every hold taken`, measured: `${h.non2xx} non-2xx, ${h.errors} errors`, pass: h.non2xx === 0 && h.errors === 0 });
  }
  for (const s of rows.filter((r) => r.grid)) {
    const expected = s.rooms * SESSIONS_PER_DAY;
    checks.push({
      target: `${rowLabel(s)} (${where(s)}): every room's day answered, zero errors`,
      measured: `${s.grid?.sessions.toLocaleString('en')} of ${expected.toLocaleString('en')} sessions (${s.grid?.booked.toLocaleString('en')} booked), ${s.non2xx} non-2xx, ${s.errors} errors`,
      pass: s.grid?.sessions === expected && s.non2xx === 0 && s.errors === 0,
    });
  }
  for (const c of rows.filter((r) => r.scenario === 'contention')) {
    checks.push({
      target: `${rowLabel(c)} (${c.driver}): zero double bookings`,
      measured: `${c.winners} winners of 5 slots, ${c.doubleBookings} double`,
      pass: c.doubleBookings === 0 && (c.winners ?? 0) <= 5,
    });
  }
  const measured = rows.filter((r) => r.driver !== 'node:http');
  const failing = measured.filter((r) => fiveHundreds(r) > 0);
  checks.push({
    target: 'zero 5xx in every scenario',
    measured: failing.length === 0 ? `0 in ${measured.length} rows` : failing.map((r) => `${rowLabel(r)} (${where(r)}): ${fiveHundreds(r)}`).join('; '),
    pass: failing.length === 0,
  });
  const budgeted = measured.filter((r) => r.scenario !== UNBUDGETED);
  const peak = budgeted.reduce<Row | undefined>((top, r) => ((r.peakRssMb ?? 0) > (top?.peakRssMb ?? -1) ? r : top), undefined);
  const over = budgeted.filter((r) => (r.peakRssMb ?? 0) >= TARGETS.rssMb);
  checks.push({
    target: `server RSS < ${TARGETS.rssMb} MB in every scenario`,
    measured: peak
      ? `${(peak.peakRssMb ?? 0).toFixed(0)} MB peak (${rowLabel(peak)}, ${where(peak)})${over.length > 1 ? `; ${over.length} rows over` : ''}`
      : 'no rows',
    pass: over.length === 0,
  });
  for (const unbudgeted of rows.filter((r) => r.scenario === UNBUDGETED)) {
    const withBudget = rows.find((r) => r.scenario === 'availability' && r.driver === unbudgeted.driver && r.rooms === unbudgeted.rooms && r.bookings === unbudgeted.bookings);
    if (!withBudget) continue;
    // V8 sizes the young generation from the old-space flag; --max-semi-space-size gives it back.
    const share = withBudget.requestsPerSecond / unbudgeted.requestsPerSecond;
    checks.push({
      target: `the heap budget keeps >= ${(TARGETS.heapBudgetShare * 100).toFixed(0)}% of availability throughput without it (${unbudgeted.driver})`,
      measured: `${(share * 100).toFixed(0)}% (${rps(withBudget.requestsPerSecond)} vs ${rps(unbudgeted.requestsPerSecond)} req/s; RSS ${withBudget.peakRssMb?.toFixed(0)} vs ${unbudgeted.peakRssMb?.toFixed(0)} MB)`,
      pass: share >= TARGETS.heapBudgetShare,
    });
  }
  return checks;
}

/** Judges one run's rows against issue 14's targets and the checks that must always hold. */
export function evaluate(rows: Row[], counts: InstructionCount[] = []): Check[] {
  return [...transportChecks(rows, counts), ...shareChecks(rows), ...correctnessChecks(rows)];
}
