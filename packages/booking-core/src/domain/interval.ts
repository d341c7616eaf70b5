/** A half-open interval [start, end) in epoch milliseconds: back-to-back slots do not overlap. */
export interface Interval {
  start: number;
  end: number;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * What a booking keeps from everyone else: its slot and the room's reset after it,
 * [start, end + reset). Its SQL form is `end_at + buffer_ms` in booking-sql.ts and the guards.
 */
export function withReset(slot: Interval, resetMinutes: number): Interval {
  return { start: slot.start, end: slot.end + resetMinutes * 60_000 };
}
