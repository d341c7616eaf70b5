import type { SqlValue } from '../db/sql.js';
import type { Interval } from '../domain/interval.js';

/**
 * A condition on `booking` rows written once: SQL with `?` placeholders, fixed when the module
 * loads (so statements built on it are constant text, prepared once), and the values that fill
 * them for a slot at a moment. The availability query, the hold and the benchmark's EXPLAIN
 * share it.
 */
export interface Condition {
  sql: string;
  params(slot: Interval, now: number): SqlValue[];
}

/**
 * Bookings whose slot overlaps `slot`. No stored booking is longer than booking_extent says
 * (the database keeps it, see its migration; never more than MAX_BOOKING_MS), so the half-open
 * overlap test gets a start_at lower bound: an index range scan, not a walk through history.
 */
const OVERLAPPING = 'start_at > ? - (select longest_ms from booking_extent) and start_at < ? and end_at > ?';
const withNow = (slot: Interval, now: number): SqlValue[] => [slot.start, slot.end, slot.start, now];

/**
 * Bookings that keep any part of the slot from others at `now`. The same rule as `blocksSlot`
 * in the domain, written as SQL: confirmed, or pending with a live hold (now < expires_at).
 */
export const blockingOverlap: Condition = {
  sql: `${OVERLAPPING} and (status = 'confirmed' or (status = 'pending' and expires_at > ?))`,
  params: withNow,
};

/** Pending holds overlapping the slot whose time is up at `now`, though still stored as pending. */
export const lapsedOverlap: Condition = {
  sql: `${OVERLAPPING} and status = 'pending' and expires_at <= ?`,
  params: withNow,
};

/** The database guard (trigger or exclusion constraint) refused an overlapping live booking. */
export function isOverlapViolation(error: unknown): boolean {
  return error instanceof Error && /SLOT_UNAVAILABLE|booking_no_overlap/.test(error.message);
}
