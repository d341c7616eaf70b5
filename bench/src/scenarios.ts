import type autocannon from 'autocannon';
import type { SeededDatabase } from './seed.js';
import { SLOT_MS } from './seed.js';

const HOUR = 3_600_000;
const JSON_HEADERS = { 'content-type': 'application/json' };
const iso = (ms: number) => new Date(ms).toISOString();

export type ScenarioName = 'availability' | 'hold' | 'flow' | 'contention' | 'sessions';

/**
 * Fresh, conflict-free slots after the seeded history (which ends in the future): one per call,
 * rooms in turn. Each hold comes from its own guest, as holds on a booking page do: one guest
 * may keep only MAX_LIVE_HOLDS_PER_GUEST live holds (2), and a run makes thousands.
 */
function freshSlots(seeded: SeededDatabase, offsetDays: number, guests: string) {
  const base = Math.ceil((seeded.to + offsetDays * 24 * HOUR) / HOUR) * HOUR;
  let next = 0;
  return () => {
    const k = next++;
    const start = base + Math.floor(k / seeded.rooms) * SLOT_MS;
    return JSON.stringify({
      room_id: 1 + (k % seeded.rooms),
      guest: { name: 'Bench Guest', email: `${guests}${k}@bench.example` },
      start_date: iso(start),
      end_date: iso(start + HOUR),
    });
  };
}

/** The one slot (on rooms 1 to 5) the contention scenario fights over, far past the seeded history. */
export function contentionSlot(seeded: SeededDatabase): { start: number; end: number } {
  const start = Math.ceil((seeded.to + 800 * 24 * HOUR) / HOUR) * HOUR;
  return { start, end: start + HOUR };
}

/** The sessions grid the scenario asks for: one venue-local day, every scheduled room. */
export const sessionsPath = (seeded: SeededDatabase) => `/api/v1/sessions?date=${seeded.sessionsDate}`;

/** The request sequence each autocannon connection repeats, per scenario. */
export function scenarioRequests(name: ScenarioName, seeded: SeededDatabase): autocannon.Request[] {
  switch (name) {
    case 'availability': {
      // Random ranges of 1 to 3 hours inside the seeded history.
      const span = seeded.to - seeded.from - 4 * HOUR;
      return [
        {
          method: 'GET',
          setupRequest: (request) => {
            const start = seeded.from + Math.floor((Math.random() * span) / 60_000) * 60_000;
            const end = start + (1 + Math.floor(Math.random() * 3)) * HOUR;
            return { ...request, path: `/api/v1/availability?start_date=${iso(start)}&end_date=${iso(end)}` };
          },
        },
      ];
    }
    case 'hold': {
      const next = freshSlots(seeded, 1, 'holder');
      return [{ method: 'POST', path: '/api/v1/bookings', headers: JSON_HEADERS, setupRequest: (request) => ({ ...request, body: next() }) }];
    }
    case 'flow': {
      const next = freshSlots(seeded, 400, 'flow');
      return [
        {
          method: 'POST',
          path: '/api/v1/bookings',
          headers: JSON_HEADERS,
          setupRequest: (request) => ({ ...request, body: next() }),
          onResponse: (status, body, context) => {
            (context as { bookingId?: string }).bookingId = status === 201 ? (JSON.parse(body) as { booking: { id: string } }).booking.id : 'none';
          },
        },
        {
          method: 'PUT',
          setupRequest: (request, context) => ({ ...request, path: `/api/v1/bookings/${(context as { bookingId?: string }).bookingId}/confirm` }),
        },
      ];
    }
    case 'sessions': {
      // What a booking page asks for: every room's sessions on one venue-local day.
      if (!seeded.sessionsDate) throw new Error('the sessions scenario needs a database seeded with the sessions layout');
      return [{ method: 'GET', path: sessionsPath(seeded) }];
    }
    case 'contention': {
      // Every client fights over the same five slots. Only five can win, so no contender comes near the live-hold cap.
      const slot = contentionSlot(seeded);
      return [
        {
          method: 'POST',
          path: '/api/v1/bookings',
          headers: JSON_HEADERS,
          setupRequest: (request) => {
            const body = {
              room_id: 1 + Math.floor(Math.random() * 5),
              guest: { name: 'Contender', email: `contender${Math.floor(Math.random() * 1000)}@bench.example` },
              start_date: iso(slot.start),
              end_date: iso(slot.end),
            };
            return { ...request, body: JSON.stringify(body) };
          },
        },
      ];
    }
  }
}

