import { describe, expect, it } from 'vitest';
import { setupPlannedRequest, type PlannedRequest } from './request-plan.js';

const HOUR = 3_600_000;
const BASE = Date.UTC(2040, 0, 1);

/** The fresh-slot hold a series sends next: its room and start. */
const nextHold = (series: string) => {
  const request: PlannedRequest = {
    method: 'POST',
    path: '/api/v1/bookings',
    plan: { kind: 'freshSlot', series, base: BASE, rooms: 2, slotMs: 2 * HOUR, guests: 'holder0-', lanes: 1 },
  };
  const body = JSON.parse(setupPlannedRequest(request, {}).body ?? '{}') as { room_id: number; start_date: string; guest: { email: string } };
  return { room: body.room_id, start: Date.parse(body.start_date) - BASE, guest: body.guest.email };
};

describe('fresh slots', () => {
  it('walks the rooms in turn, then the next slot, each hold from a guest of its own', () => {
    const taken = Array.from({ length: 5 }, () => nextHold('db-a hold 0'));
    expect(taken.map(({ room, start }) => [room, start / HOUR])).toEqual([[1, 0], [2, 0], [1, 2], [2, 2], [1, 4]]);
    expect(new Set(taken.map((t) => t.guest)).size).toBe(5);
  });

  it("counts each series from its first slot: another database's holds do not push this one past its region", () => {
    for (let i = 0; i < 1000; i++) nextHold('db-b hold 0');
    expect(nextHold('db-c hold 0')).toMatchObject({ room: 1, start: 0 });
  });
});
