import type { FilterQuery } from '@mikro-orm/core';
import { MAX_BOOKING_MS } from '../contract/bookings.js';
import type { Interval } from '../domain/interval.js';
import type { Booking } from '../db/entities.js';

/**
 * Bookings whose slot overlaps `slot`. The start_at lower bound (no booking is longer than
 * MAX_BOOKING_MS) turns the half-open overlap test into an index range scan instead of a
 * walk through all history.
 */
function overlapping(slot: Interval) {
  return {
    startAt: { $gt: slot.start - MAX_BOOKING_MS, $lt: slot.end },
    endAt: { $gt: slot.start },
  };
}

/**
 * Bookings that keep any part of `slot` from others at `now`. The same rule as `blocksSlot`
 * in the domain, written as a query: confirmed, or pending with a live hold (now < expires_at).
 */
export function blockingOverlap(slot: Interval, now: number) {
  return {
    ...overlapping(slot),
    $or: [{ status: 'confirmed' as const }, { status: 'pending' as const, expiresAt: { $gt: now } }],
  } satisfies FilterQuery<Booking>;
}

/** Pending holds overlapping `slot` whose time is up at `now`, though still stored as pending. */
export function lapsedOverlap(slot: Interval, now: number) {
  return { ...overlapping(slot), status: 'pending' as const, expiresAt: { $lte: now } } satisfies FilterQuery<Booking>;
}

/** The database guard (trigger or exclusion constraint) refused an overlapping live booking. */
export function isOverlapViolation(error: unknown): boolean {
  return error instanceof Error && /SLOT_UNAVAILABLE|booking_no_overlap/.test(error.message);
}
