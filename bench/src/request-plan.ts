import { threadId } from 'node:worker_threads';

/**
 * What a request's setup does before each send, as data. autocannon's workers (the 4-core run
 * size) take requests by structured clone and their setup functions as files to `require`, so
 * the one setup below reads the plan carried by the request instead of closing over it: the
 * same code then runs in-process and in every worker.
 */
export type Plan =
  /** One of a fixed set of requests, drawn at random (e.g. availability ranges, or SDK calls captured once each). */
  | { kind: 'pick'; variants: Variant[] }
  /**
   * A hold on a fresh, conflict-free slot after the seeded history, rooms in turn, each from its
   * own guest (one guest may keep only MAX_LIVE_HOLDS_PER_GUEST live holds). With `lanes`
   * workers, worker threads take every lanes-th slot, so no two workers ever ask for the same one.
   * `series` names the count the slots are taken by (one per seeded database, region and pass).
   */
  | { kind: 'freshSlot'; series: string; base: number; rooms: number; slotMs: number; guests: string; lanes: number }
  /** Any of rooms 1 to 5 at one fixed slot, as a random contender. */
  | { kind: 'contention'; start: number; end: number }
  /** Confirms the booking the previous request of the sequence held (see keepHoldId). */
  | { kind: 'confirmHeld' };

export interface Variant {
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface PlannedRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  plan: Plan;
}

interface FlowContext {
  bookingId?: string;
}

/** A request as one of its plan's variants sends it: the variant's path and body, the headers of both. */
export function withVariant<R extends { headers?: Record<string, string> }>(request: R, variant: Variant): R & Variant {
  return { ...request, ...variant, headers: { ...request.headers, ...variant.headers } };
}

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const slotsTaken = new Map<string, number>();

export function setupPlannedRequest(request: PlannedRequest, context: FlowContext): PlannedRequest {
  const { plan } = request;
  switch (plan.kind) {
    case 'pick': {
      const variant = plan.variants[Math.floor(Math.random() * plan.variants.length)];
      if (!variant) throw new Error('a pick plan needs at least one variant');
      return withVariant(request, variant);
    }
    case 'freshSlot': {
      const taken = slotsTaken.get(plan.series) ?? 0;
      slotsTaken.set(plan.series, taken + 1);
      const k = taken * plan.lanes + (threadId % plan.lanes);
      const start = plan.base + Math.floor(k / plan.rooms) * plan.slotMs;
      const body = {
        room_id: 1 + (k % plan.rooms),
        guest: { name: 'Bench Guest', email: `${plan.guests}${k}@bench.example` },
        start_date: iso(start),
        end_date: iso(start + HOUR),
      };
      return { ...request, body: JSON.stringify(body) };
    }
    case 'contention': {
      const body = {
        room_id: 1 + Math.floor(Math.random() * 5),
        guest: { name: 'Contender', email: `contender${Math.floor(Math.random() * 1000)}@bench.example` },
        start_date: iso(plan.start),
        end_date: iso(plan.end),
      };
      return { ...request, body: JSON.stringify(body) };
    }
    case 'confirmHeld':
      return { ...request, path: `/api/v1/bookings/${context.bookingId ?? 'none'}/confirm` };
  }
}

/** Keeps the id of the booking a hold answered with, for the confirm that follows it. */
export function keepHoldId(status: number, body: string, context: FlowContext): void {
  context.bookingId = status === 201 ? (JSON.parse(body) as { booking: { id: string } }).booking.id : 'none';
}

// autocannon's workers `require` this file and call what it exports (Node's require of an ES module).
export { setupPlannedRequest as 'module.exports' };
