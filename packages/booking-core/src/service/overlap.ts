import type { FilterQuery } from '@mikro-orm/core';
import { MAX_BOOKING_MS } from '../contract/bookings.js';
import type { Interval } from '../domain/interval.js';
import type { Booking } from '../db/entities.js';

/**
 * Bookings that keep any part of `slot` from others at `now`. The same rule as `blocksSlot`
 * in the domain, written as a query: confirmed, or pending with a live hold (now < expires_at).
 * The start_at lower bound (no booking is longer than MAX_BOOKING_MS) turns the overlap test
 * into an index range scan instead of a walk through all history.
 */
export function blockingOverlap(slot: Interval, now: number) {
  return {
    startAt: { $gt: slot.start - MAX_BOOKING_MS, $lt: slot.end },
    endAt: { $gt: slot.start },
    $or: [{ status: 'confirmed' as const }, { status: 'pending' as const, expiresAt: { $gt: now } }],
  } satisfies FilterQuery<Booking>;
}

/** The database guard (trigger or constraint) refused an overlapping live booking. */
export function isOverlapViolation(error: unknown): boolean {
  return error instanceof Error && /SLOT_UNAVAILABLE|booking_no_overlap/.test(error.message);
}
