import { BookingError } from './errors.js';
import { partyFits, type PartyLimits } from './pricing.js';
import { addLocalDays } from './zoned.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The venue's booking policies, as the rules need them. */
export interface VenuePolicy {
  timezone: string;
  minNoticeMinutes: number;
  /** null: no limit. */
  horizonDays: number | null;
  cancellationCutoffHours: number;
}

// Each deadline is the first instant at which the thing is no longer allowed: a hold at exactly
// `bookable_until` is too soon, a cancel at exactly `cancellable_until` is too late.

/** Holds are taken while now < this. */
export const bookableUntil = (start: number, policy: VenuePolicy): number => start - policy.minNoticeMinutes * MINUTE;

/** The latest start a hold placed at now may have: now plus the horizon in venue-local calendar days. */
export function horizonEnd(now: number, policy: VenuePolicy): number | null {
  return policy.horizonDays === null ? null : addLocalDays(now, policy.horizonDays, policy.timezone);
}

/** Guests may cancel a confirmed booking while now < this. */
export const cancellableUntil = (start: number, policy: VenuePolicy): number => start - policy.cancellationCutoffHours * HOUR;

/** Refuses a start inside the minimum notice or beyond the horizon. */
export function assertTimely(start: number, now: number, policy: VenuePolicy): void {
  if (now >= bookableUntil(start, policy)) {
    throw new BookingError('TOO_SOON', `Sessions can be held until ${policy.minNoticeMinutes} minutes before they start`);
  }
  const latest = horizonEnd(now, policy);
  if (latest !== null && start > latest) {
    throw new BookingError('TOO_FAR_AHEAD', `Sessions can be held at most ${policy.horizonDays} days ahead`);
  }
}

export function assertCancellable(start: number, now: number, policy: VenuePolicy): void {
  if (now >= cancellableUntil(start, policy)) {
    throw new BookingError(
      'CANCELLATION_WINDOW_CLOSED',
      `Bookings can be cancelled until ${policy.cancellationCutoffHours} hours before they start; ask the venue`,
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
