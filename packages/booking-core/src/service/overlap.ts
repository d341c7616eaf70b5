import type { SqlValue } from '../db/sql.js';
import type { Interval } from '../domain/interval.js';

/**
 * A condition on `booking` rows written once, as SQL with `?` placeholders and the values
 * that fill them, so the availability query, the hold and the benchmark's EXPLAIN share it.
 */
export interface Condition {
  sql: string;
  params: SqlValue[];
}

/**
 * Bookings whose slot overlaps `slot`. No stored booking is longer than booking_extent says
 * (the database keeps it, see its migration; never more than MAX_BOOKING_MS), so the half-open
 * overlap test gets a start_at lower bound: an index range scan, not a walk through history.
 */
function overlapping(slot: Interval): Condition {
  return {
    sql: 'start_at > ? - (select longest_ms from booking_extent) and start_at < ? and end_at > ?',
    params: [slot.start, slot.end, slot.start],
  };
}

/**
 * Bookings that keep any part of `slot` from others at `now`. The same rule as `blocksSlot`
 * in the domain, written as SQL: confirmed, or pending with a live hold (now < expires_at).
 */
export function blockingOverlap(slot: Interval, now: number): Condition {
  const overlap = overlapping(slot);
  return {
    sql: `${overlap.sql} and (status = 'confirmed' or (status = 'pending' and expires_at > ?))`,
    params: [...overlap.params, now],
  };
}

/** Pending holds overlapping `slot` whose time is up at `now`, though still stored as pending. */
export function lapsedOverlap(slot: Interval, now: number): Condition {
  const overlap = overlapping(slot);
  return { sql: `${overlap.sql} and status = 'pending' and expires_at <= ?`, params: [...overlap.params, now] };
}

/** The database guard (trigger or exclusion constraint) refused an overlapping live booking. */
export function isOverlapViolation(error: unknown): boolean {
  return error instanceof Error && /SLOT_UNAVAILABLE|booking_no_overlap/.test(error.message);
}
