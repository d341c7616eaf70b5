import type { Venue } from '../contract/venue.js';
import { BookingError } from './errors.js';
import { partyFits, type PartyLimits } from './pricing.js';
import { addLocalDays } from './zoned.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The venue's settings the booking policies read: its settings as stored and shown. */
export type VenuePolicy = Pick<Venue, 'timezone' | 'min_notice_minutes' | 'horizon_days' | 'cancellation_cutoff_hours'>;

// Each deadline is the first instant at which the thing is no longer allowed: a hold at exactly
// `bookable_until` is too soon, a cancel at exactly `cancellable_until` is too late.

/** Holds are taken while now < this. */
export const bookableUntil = (start: number, policy: VenuePolicy): number => start - policy.min_notice_minutes * MINUTE;

/** The latest start a hold placed at now may have: now plus the horizon in venue-local calendar days. */
export function horizonEnd(now: number, policy: VenuePolicy): number | null {
  return policy.horizon_days === null ? null : addLocalDays(now, policy.horizon_days, policy.timezone);
}

/** Guests may cancel a confirmed booking while now < this. */
export const cancellableUntil = (start: number, policy: VenuePolicy): number => start - policy.cancellation_cutoff_hours * HOUR;

/** Refuses a start inside the minimum notice or beyond the horizon. */
export function assertTimely(start: number, now: number, policy: VenuePolicy): void {
  if (now >= bookableUntil(start, policy)) {
    throw new BookingError('TOO_SOON', `Sessions can be held until ${policy.min_notice_minutes} minutes before they start`);
  }
  const latest = horizonEnd(now, policy);
  if (latest !== null && start > latest) {
    throw new BookingError('TOO_FAR_AHEAD', `Sessions can be held at most ${policy.horizon_days} days ahead`);
  }
}

export function assertCancellable(start: number, now: number, policy: VenuePolicy): void {
  if (now >= cancellableUntil(start, policy)) {
    throw new BookingError(
      'CANCELLATION_WINDOW_CLOSED',
      `Bookings can be cancelled until ${policy.cancellation_cutoff_hours} hours before they start; ask the venue`,
    );
  }
}

export function assertPartyFits(roomId: number, limits: PartyLimits, players: number): void {
  if (!partyFits(limits, players)) {
    const range = limits.maxPlayers === null ? `${limits.minPlayers} or more` : `${limits.minPlayers} to ${limits.maxPlayers}`;
    throw new BookingError('PARTY_SIZE_NOT_ALLOWED', `Room ${roomId} takes parties of ${range} players, not ${players}`, [
      { path: 'players', message: `Parties of ${range} players` },
    ]);
  }
}
