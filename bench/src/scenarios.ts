import type { BookingClient } from '@escape-room/sdk';
import type { BenchRequest } from './load.js';
import type { Variant } from './request-plan.js';
import type { SdkRequest } from './sdk-capture.js';
import type { SeededDatabase } from './seed.js';
import { SLOT_MS } from './seed.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const JSON_HEADERS = { 'content-type': 'application/json' };
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The paths an operation is measured over. `REST, again` is REST's own requests measured as a
 * row of their own, interleaved with the others: the run's A/A control, how far two measurements
 * of one and the same path read apart in that run, so a difference between transports can be
 * told from the machine's noise (see evaluate.ts).
 */
export type Transport = 'REST' | 'tRPC' | 'SDK batch' | 'REST, again';

/**
 * Every scenario, by the operation it measures and the path it takes there. A family (the name
 * before `-`) is one procedure over each transport, so its rows compare in the same run:
 * REST `/api/v1/…`, tRPC's own `GET /trpc/<procedure>?input=…`, and whatever the SDK's batch
 * link sends for the call (captured from `createBookingClient`, see sdk-capture.ts).
 */
const SCENARIOS = {
  rooms: { operation: 'rooms.list', transport: 'REST' },
  'rooms-trpc': { operation: 'rooms.list', transport: 'tRPC' },
  'rooms-sdk': { operation: 'rooms.list', transport: 'SDK batch' },
  'rooms-again': { operation: 'rooms.list', transport: 'REST, again' },
  availability: { operation: 'rooms.availability', transport: 'REST' },
  'availability-trpc': { operation: 'rooms.availability', transport: 'tRPC' },
  'availability-sdk': { operation: 'rooms.availability', transport: 'SDK batch' },
  'availability-again': { operation: 'rooms.availability', transport: 'REST, again' },
  hold: { operation: 'bookings.hold', transport: 'REST' },
  flow: { operation: 'hold + confirm', transport: 'REST' },
  contention: { operation: 'contention, 5 slots', transport: 'REST' },
  sessions: { operation: 'sessions.list', transport: 'REST' },
  'sessions-trpc': { operation: 'sessions.list', transport: 'tRPC' },
  'sessions-sdk': { operation: 'sessions.list', transport: 'SDK batch' },
  'sessions-again': { operation: 'sessions.list', transport: 'REST, again' },
} as const satisfies Record<string, { operation: string; transport: Transport }>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** How a report names the scenario's row, e.g. `rooms.availability (SDK batch)`. */
export const scenarioLabel = (name: ScenarioName) => `${SCENARIOS[name].operation} (${SCENARIOS[name].transport})`;
export const transportOf = (name: ScenarioName): Transport => SCENARIOS[name].transport;
/** `availability-sdk` is of the `availability` family; `--scenarios availability` picks the whole family. */
export const familyOf = (name: string) => name.split('-')[0] ?? name;
/** The REST scenario of a scenario's family: `availability` for `availability-sdk`. */
export const restOf = (name: ScenarioName): ScenarioName => {
  const rest = SCENARIO_NAMES.find((other) => familyOf(other) === familyOf(name) && transportOf(other) === 'REST');
  if (!rest) throw new Error(`no REST scenario in the family of ${name}`);
  return rest;
};

/**
 * How long each round of an operation's transports lasts. A shared machine's noise comes in
 * bursts of a second or so: a transport measured for four seconds on end could take a burst its
 * peers missed, and read 20% apart from them with the same code (77% and 132% of REST were seen).
 * In rounds of half a second, each transport in turn, a burst falls on neighbouring rounds of
 * every transport alike, and the comparison is made round by round (pairedShare in report.ts).
 * Shorter rounds would be mostly autocannon's start and stop.
 */
export const ROUND_SECONDS = 0.5;

/**
 * A pass's scenarios in the order they run, each with its share of the pass's time: alone, a
 * scenario runs once for all of it; an operation's transports (a family, see SCENARIOS) run
 * `rounds` times each, in turn, the order rotated each round so that each takes every place in
 * the round as often. Round k of one transport and round k of another are neighbours in time,
 * so their throughputs pair up round by round.
 */
export function inRounds(pass: [ScenarioName, BenchRequest[]][], rounds: number): { scenario: ScenarioName; requests: BenchRequest[]; share: number }[] {
  const families = new Map<string, [ScenarioName, BenchRequest[]][]>();
  for (const entry of pass) {
    const name = familyOf(entry[0]);
    const family = families.get(name);
    if (family) family.push(entry);
    else families.set(name, [entry]);
  }
  return [...families.values()].flatMap((family) => {
    const times = family.length > 1 ? rounds : 1;
    const turns = Array.from({ length: times }, (_, round) => [...family.slice(round % family.length), ...family.slice(0, round % family.length)]);
    return turns.flatMap((order) => order.map(([scenario, requests]) => ({ scenario, requests, share: 1 / times })));
  });
}

export interface AvailabilityRange {
  start_date: string;
  end_date: string;
}

/** What the scenarios of one seeded scale share. */
export interface ScenarioContext {
  seeded: SeededDatabase;
  /** The same random ranges for every transport of availability, so their rows measure the same work. */
  ranges: AvailabilityRange[];
  /** autocannon worker threads of the run size (1 in-process): holds stripe their slots over them. */
  lanes: number;
  /**
   * Which of the scale's passes the requests are for: the two measured (0, 1) or the warm-up's
   * (2). Each pass's writes take days and guests of their own, since autocannon's worker
   * threads start counting their slots afresh.
   */
  pass: number;
  /** Records what the SDK sends for a call (sdk-capture.ts), against this scale's server. */
  captureSdk: (call: (client: BookingClient) => Promise<unknown>) => Promise<SdkRequest>;
}

/** Random ranges of 1 to 3 hours inside the seeded history, on whole minutes. */
export function availabilityRanges(seeded: SeededDatabase, count = 500): AvailabilityRange[] {
  const span = seeded.to - seeded.from - 4 * HOUR;
  return Array.from({ length: count }, () => {
    const start = seeded.from + Math.floor((Math.random() * span) / 60_000) * 60_000;
    const end = start + (1 + Math.floor(Math.random() * 3)) * HOUR;
    return { start_date: iso(start), end_date: iso(end) };
  });
}

/**
 * Where each writing scenario's slots lie, in days past the seeded history: each on days of its
 * own, and each pass PASS_OFFSET_DAYS further on. A region is far larger than any run fills: a
 * pass of holds at 5,000 a second for 10 seconds over 10 rooms (12 two-hour slots a room a day)
 * takes 420 days of its 3,000. The venue has no horizon, so any of these days may be held.
 */
const REGION_DAYS = { hold: 1, flow: 3_000, contention: 6_000 } as const;
const PASS_OFFSET_DAYS = 9_000;

/** The one slot (on rooms 1 to 5) the contention scenario fights over, far past the seeded history. */
export function contentionSlot(seeded: SeededDatabase): { start: number; end: number } {
  const start = Math.ceil((seeded.to + REGION_DAYS.contention * DAY) / HOUR) * HOUR;
  return { start, end: start + HOUR };
}

function sessionsDate(seeded: SeededDatabase): string {
  if (!seeded.sessionsDate) throw new Error('the sessions scenarios need a database seeded with the sessions layout');
  return seeded.sessionsDate;
}

/** The sessions grid the scenarios ask for: one venue-local day, every scheduled room. */
export const sessionsPath = (seeded: SeededDatabase) => `/api/v1/sessions?date=${sessionsDate(seeded)}`;

const trpcPath = (procedure: string, input?: unknown) =>
  `/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;

/** Fresh, conflict-free slots after the seeded history (see request-plan.ts), each pass on its own days and guests. */
function freshSlots(context: ScenarioContext, region: keyof typeof REGION_DAYS, guests: string): BenchRequest {
  const { seeded, lanes, pass } = context;
  const base = Math.ceil((seeded.to + (REGION_DAYS[region] + pass * PASS_OFFSET_DAYS) * DAY) / HOUR) * HOUR;
  // Each seeded database counts its slots from the first: a count carried over from another
  // scale's holds pushed this one's into the next region, where they met its bookings.
  const series = `${seeded.url} ${region} ${pass}`;
  const plan = { kind: 'freshSlot' as const, series, base, rooms: seeded.rooms, slotMs: SLOT_MS, guests: `${guests}${pass}-`, lanes };
  return { method: 'POST', path: '/api/v1/bookings', headers: JSON_HEADERS, plan };
}

/** A request drawn from these at random on each send; one needs no drawing. */
function oneOf(method: string, variants: Variant[]): BenchRequest {
  const [first] = variants;
  if (method !== 'GET' && method !== 'POST') throw new Error(`unexpected method ${method} for a read`);
  if (!first) throw new Error('no request to send');
  return variants.length === 1 ? { method, ...first } : { method, path: first.path, plan: { kind: 'pick', variants } };
}

async function captureEach<T>(context: ScenarioContext, inputs: T[], call: (client: BookingClient, input: T) => Promise<unknown>): Promise<BenchRequest> {
  const captured: SdkRequest[] = [];
  for (const input of inputs) captured.push(await context.captureSdk((client) => call(client, input)));
  const methods = new Set(captured.map((c) => c.method));
  const [method] = methods;
  if (!method || methods.size > 1) throw new Error(`the SDK sent ${[...methods].join(' and ')} for one procedure`);
  return oneOf(method, captured.map((c) => c.variant));
}

/** The request sequence each autocannon connection repeats, per scenario. */
export async function scenarioRequests(name: ScenarioName, context: ScenarioContext): Promise<BenchRequest[]> {
  const { seeded, ranges } = context;
  switch (name) {
    case 'rooms':
      return [{ method: 'GET', path: '/api/v1/rooms' }];
    case 'rooms-trpc':
      return [{ method: 'GET', path: trpcPath('rooms.list') }];
    case 'rooms-sdk':
      return [await captureEach(context, [undefined], (client) => client.rooms.list())];
    case 'availability':
      return [oneOf('GET', ranges.map((r) => ({ path: `/api/v1/availability?start_date=${r.start_date}&end_date=${r.end_date}` })))];
    case 'availability-trpc':
      return [oneOf('GET', ranges.map((r) => ({ path: trpcPath('rooms.availability', r) })))];
    case 'availability-sdk':
      return [await captureEach(context, ranges, (client, range) => client.availability(range))];
    case 'hold':
      return [freshSlots(context, 'hold', 'holder')];
    case 'flow':
      return [{ ...freshSlots(context, 'flow', 'flow'), keepHoldId: true }, { method: 'PUT', path: '/api/v1/bookings/none/confirm', plan: { kind: 'confirmHeld' } }];
    case 'contention':
      // Every client fights over the same five slots. Only five can win, so no contender comes near the live-hold cap.
      return [{ method: 'POST', path: '/api/v1/bookings', headers: JSON_HEADERS, plan: { kind: 'contention', ...contentionSlot(seeded) } }];
    case 'sessions':
      // What a booking page asks for: every room's sessions on one venue-local day.
      return [{ method: 'GET', path: sessionsPath(seeded) }];
    case 'sessions-trpc':
      return [{ method: 'GET', path: trpcPath('sessions.list', { date: sessionsDate(seeded) }) }];
    case 'sessions-sdk':
      return [await captureEach(context, [sessionsDate(seeded)], (client, date) => client.sessions({ date }))];
    case 'rooms-again':
    case 'availability-again':
    case 'sessions-again':
      return scenarioRequests(restOf(name), context);
  }
}
