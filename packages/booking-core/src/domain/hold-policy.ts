import { BookingError } from './errors.js';
import type { Interval } from './interval.js';

export interface HoldPolicy {
  /** How long a fresh hold keeps its slot, in milliseconds. */
  holdMs: number;
  /** How long after its creation a hold may be kept at most, extensions included. */
  maxHoldMs: number;
  /** How many live holds one guest (by email, whatever its case) may have at once. */
  maxLiveHoldsPerGuest: number;
}

export const DEFAULT_MAX_LIVE_HOLDS_PER_GUEST = 2;

export function holdPolicyFromMinutes(holdMinutes: number, maxHoldMinutes = 15, maxLiveHoldsPerGuest = DEFAULT_MAX_LIVE_HOLDS_PER_GUEST): HoldPolicy {
  const holdMs = Math.round(holdMinutes * 60_000);
  return { holdMs, maxHoldMs: Math.max(holdMs, Math.round(maxHoldMinutes * 60_000)), maxLiveHoldsPerGuest };
}

/** When a hold placed at `now` lapses. */
export function holdExpiry(policy: HoldPolicy, now: number): number {
  return now + policy.holdMs;
}

/** An extension restarts the hold's clock at `now`, but never past the cap counted from creation. */
export function extendedExpiry(policy: HoldPolicy, createdAt: number, now: number): number {
  return Math.min(now + policy.holdMs, createdAt + policy.maxHoldMs);
}

/** The clock-dependent rule the contract cannot check on its own: a slot must start in the future. */
export function assertBookable(slot: Interval, now: number): void {
  if (slot.start <= now) {
    throw new BookingError('VALIDATION_ERROR', 'start_date must be in the future', [
      { path: 'start_date', message: 'start_date must be in the future' },
    ]);
  }
}
