import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import type { InstructionCount } from './instructions.js';
import { QUEUE_FLOOR, UNBUDGETED, type Row } from './report.js';

const row = (over: Partial<Row> & Pick<Row, 'scenario'>): Row => ({
  driver: 'sqlite',
  rooms: 10,
  bookings: 100_000,
  ratio: 0.5,
  requestsPerSecond: 1000,
  seconds: 8,
  p50: 1,
  p95: 2,
  p99: 3,
  total: 8000,
  non2xx: 0,
  errors: 0,
  statuses: { 200: 8000 },
  peakRssMb: 150,
  serverCpuMs: 4000,
  ...over,
});
const count = (over: Partial<InstructionCount> & Pick<InstructionCount, 'scenario' | 'windows'>): InstructionCount => ({
  driver: 'sqlite',
  rooms: 10,
  bookings: 100_000,
  calls: 500,
  ...over,
});
const verdict = (rows: Row[], target: string, counts: InstructionCount[] = []) => {
  const found = evaluate(rows, counts).filter((c) => c.target.includes(target));
  expect(found, target).toHaveLength(1);
  return found[0]?.pass;
};

describe('evaluate', () => {
  it('wants tRPC and the SDK batch link at least as fast as REST for the same operation and scale, to the run\'s resolution', () => {
    const rows = [
      row({ scenario: 'rooms', requestsPerSecond: 1000 }),
      row({ scenario: 'rooms-trpc', requestsPerSecond: 951 }),
      row({ scenario: 'rooms-sdk', requestsPerSecond: 949 }),
      // Another scale's REST row is no yardstick.
      row({ scenario: 'rooms', bookings: 1_000_000, requestsPerSecond: 5000 }),
    ];
    expect(verdict(rows, 'rooms.list (tRPC) >= rooms.list (REST) in throughput, to the measure\'s resolution (sqlite, 10 rooms, 100,000)')).toBe(true);
    expect(verdict(rows, 'rooms.list (SDK batch) >= rooms.list (REST)')).toBe(false);
  });

  it('compares transports measured in rounds round by round, so a burst of noise in a few rounds decides nothing', () => {
    // A neighbour's burst took two of REST's rounds and one of tRPC's: whole, tRPC reads 9% ahead and the SDK 7% behind.
    const rest = [1000, 1000, 600, 1000, 1000, 1000, 600, 1000];
    const rows = [
      row({ scenario: 'availability', requestsPerSecond: 900, rounds: rest }),
      row({ scenario: 'availability-trpc', requestsPerSecond: 980, rounds: [990, 1010, 600, 1000, 980, 1020, 1000, 1240] }),
      row({ scenario: 'availability-sdk', requestsPerSecond: 837, rounds: [930, 940, 560, 940, 930, 950, 560, 940] }),
    ];
    const [trpc, sdk] = evaluate(rows).filter((c) => c.target.startsWith('rooms.availability ('));
    expect(trpc?.measured).toMatch(/^100\.5% \(median of 8 rounds; 980 vs 900 req\/s over all\)/);
    expect(trpc?.pass).toBe(true);
    expect(sdk?.measured).toMatch(/^93\.\d%/);
    expect(sdk?.pass).toBe(false);
  });

  it('judges no transport in a run whose REST-against-REST control reads further apart than the resolution', () => {
    const rows = [
      row({ scenario: 'sessions', rounds: [1000, 1000] }),
      row({ scenario: 'sessions-trpc', rounds: [1000, 1000] }),
      row({ scenario: 'sessions-again', rounds: [1060, 1070] }),
    ];
    expect(verdict(rows, 'sessions.list (REST, again) within 5.0% of sessions.list (REST)')).toBe(false);
    const steady = [...rows.slice(0, 2), row({ scenario: 'sessions-again', rounds: [960, 955] })];
    expect(verdict(steady, 'sessions.list (REST, again) within 5.0% of sessions.list (REST)')).toBe(true);
  });

  it('judges the transports on instructions per call where the run counted them, whatever their throughput read', () => {
    const rows = [
      row({ scenario: 'rooms', rounds: [1000, 1000] }),
      row({ scenario: 'rooms-trpc', rounds: [1000, 1000] }),
      row({ scenario: 'rooms-sdk', rounds: [1200, 1200] }),
      row({ scenario: 'rooms-again', rounds: [900, 900] }),
    ];
    const counts = [
      count({ scenario: 'rooms', windows: [400_000, 380_000, 380_000] }),
      // A window caught a burst of the JIT's work: paired window by window, the median passes it over.
      count({ scenario: 'rooms-trpc', windows: [404_000, 383_800, 600_000] }),
      count({ scenario: 'rooms-sdk', windows: [424_000, 402_800, 402_800] }),
      count({ scenario: 'rooms-again', windows: [398_000, 381_000, 379_000] }),
    ];
    const judged = (target: string) => verdict(rows, target, counts);
    expect(judged('rooms.list (tRPC) >= rooms.list (REST) in what its cost per call allows')).toBe(true);
    // 6% more instructions a call: 94.3% of REST's throughput, however fast its rounds read.
    expect(judged('rooms.list (SDK batch) >= rooms.list (REST) in what its cost per call allows')).toBe(false);
    // The control read 10% slow in throughput; counted, it is within 1% of REST, so the counts can judge.
    expect(judged('rooms.list (REST, again) within 5.0% of rooms.list (REST) in what its cost per call allows')).toBe(true);
    const [trpc] = evaluate(rows, counts).filter((c) => c.target.startsWith('rooms.list (tRPC)'));
    expect(trpc?.measured).toMatch(/^99\.0% \(instructions per call 404\.0k vs 380\.0k, median of 3 windows\); throughput read 100\.0%/);
    // Rows the run did not count are still judged on throughput.
    expect(verdict(rows, 'rooms.list (SDK batch) >= rooms.list (REST) in throughput')).toBe(true);
  });

  it('counts no throughput that came from refusals', () => {
    const rows = [row({ scenario: 'sessions' }), row({ scenario: 'sessions-trpc', requestsPerSecond: 9000, non2xx: 5, statuses: { 200: 7995, 400: 5 } })];
    expect(verdict(rows, 'sessions.list (tRPC) >= sessions.list (REST)')).toBe(false);
  });

  it('judges holds at 1M bookings by the driver: 6% and p99 under 30 ms on SQLite, 4% on PostgreSQL', () => {
    const rows = [
      row({ scenario: 'hold', bookings: 1_000_000, ratio: 0.061, p99: 31 }),
      row({ scenario: 'hold', driver: 'postgresql', bookings: 1_000_000, ratio: 0.041, p99: 80 }),
    ];
    expect(verdict(rows, 'bookings.hold (REST) (sqlite, 10 rooms, 1,000,000): >= 6.0%')).toBe(true);
    expect(verdict(rows, 'bookings.hold (REST) (sqlite, 10 rooms, 1,000,000): p99 < 30 ms')).toBe(false);
    expect(verdict(rows, 'bookings.hold (REST) (postgresql, 10 rooms, 1,000,000): >= 4.0%')).toBe(true);
    expect(evaluate(rows).some((c) => c.target.includes('postgresql') && c.target.includes('p99'))).toBe(false);
  });

  it('judges availability and sessions against their shares of the ceiling', () => {
    const rows = [
      row({ scenario: 'availability', ratio: 0.21, p99: 15 }),
      row({ scenario: 'sessions', ratio: 0.149 }),
      row({ scenario: 'sessions', rooms: 1000, bookings: 1_000_000, ratio: 0.03 }),
    ];
    expect(verdict(rows, '>= 20.0% of ceiling')).toBe(true);
    expect(verdict(rows, 'p99 < 15 ms')).toBe(false);
    expect(verdict(rows, '>= 15.0% of ceiling')).toBe(false);
    expect(verdict(rows, '>= 3.0% of ceiling')).toBe(true);
  });

  it('wants zero 5xx in every scenario, not only contention, and names the row that had them', () => {
    const rows = [row({ scenario: 'availability-sdk', statuses: { 200: 7999, 503: 1 }, non2xx: 1 }), row({ scenario: 'hold' })];
    const [check] = evaluate(rows).filter((c) => c.target === 'zero 5xx in every scenario');
    expect(check?.pass).toBe(false);
    expect(check?.measured).toContain('rooms.availability (SDK batch)');
  });

  it('holds every scenario to the RSS budget except the run without the heap flags', () => {
    const within = [row({ scenario: 'availability', peakRssMb: 199 }), row({ scenario: UNBUDGETED, peakRssMb: 390 })];
    expect(verdict(within, 'server RSS < 200 MB')).toBe(true);
    expect(verdict([...within, row({ scenario: 'rooms-trpc', peakRssMb: 200 })], 'server RSS < 200 MB')).toBe(false);
  });

  it("sets availability's p99 beside its queue floor, which it does not judge and which compares with no transport", () => {
    const availability = row({ scenario: 'availability', p99: 18.4, serverCpuMs: 2400 });
    const floor = row({ driver: 'node:http', bookings: 0, scenario: QUEUE_FLOOR, p99: 17.9, serverCpuMs: 2384 });
    const checks = evaluate([availability, floor]);
    const [p99] = checks.filter((c) => c.target.includes('p99 < 15 ms'));
    expect(p99).toEqual({ target: expect.any(String), measured: '18.40 ms; bare node:http as slow per answer (298 µs against 300): 17.90 ms', pass: false });
    expect(checks.map((c) => c.target).join('\n')).not.toContain(QUEUE_FLOOR);
    expect(verdict([availability, floor], 'zero 5xx')).toBe(true);
  });

  it('fails a contention run with a double booking', () => {
    expect(verdict([row({ scenario: 'contention', winners: 5, doubleBookings: 0 })], 'zero double bookings')).toBe(true);
    expect(verdict([row({ scenario: 'contention', winners: 6, doubleBookings: 1 })], 'zero double bookings')).toBe(false);
  });
});
