import { BookingError } from './errors.js';
import type { Interval } from './interval.js';

export interface HoldPolicy {
  /** How long a fresh hold keeps its slot, in milliseconds. */
  holdMs: number;
}

export function holdPolicyFromMinutes(minutes: number): HoldPolicy {
  return { holdMs: Math.round(minutes * 60_000) };
}

/** When a hold placed at `now` lapses. */
export function holdExpiry(policy: HoldPolicy, now: number): number {
  return now + policy.holdMs;
}

/** The clock-dependent rule the contract cannot check on its own: a slot must start in the future. */
export function assertBookable(slot: Interval, now: number): void {
  if (slot.start <= now) {
    throw new BookingError('VALIDATION_ERROR', 'start_date must be in the future', [
      { path: 'start_date', message: 'start_date must be in the future' },
    ]);
  }
}
