/** A half-open interval [start, end) in epoch milliseconds: back-to-back slots do not overlap. */
export interface Interval {
  start: number;
  end: number;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}
