import { describe, expect, it } from 'vitest';
import { BookingError } from './errors.js';
import { assertCancellable, assertPartyFits, assertTimely, bookableUntil, cancellableUntil, horizonEnd, type VenuePolicy } from './venue-policy.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const utc = (iso: string) => Date.parse(iso);

const policy = (overrides: Partial<VenuePolicy> = {}): VenuePolicy => ({
  timezone: 'Europe/Paris',
  min_notice_minutes: 120,
  horizon_days: null,
  cancellation_cutoff_hours: 24,
  ...overrides,
});

function codeOf(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof BookingError) return error.code;
    throw error;
  }
}

describe('the minimum notice', () => {
  const start = utc('2030-06-01T10:00:00Z');

  it('closes holds at start − notice, that instant included', () => {
    expect(bookableUntil(start, policy())).toBe(start - 2 * HOUR);
    expect(codeOf(() => assertTimely(start, start - 2 * HOUR - 1, policy()))).toBeNull();
    expect(codeOf(() => assertTimely(start, start - 2 * HOUR, policy()))).toBe('TOO_SOON');
  });

  it('with no notice, closes at the start itself', () => {
    expect(codeOf(() => assertTimely(start, start - 1, policy({ min_notice_minutes: 0 })))).toBeNull();
    expect(codeOf(() => assertTimely(start, start, policy({ min_notice_minutes: 0 })))).toBe('TOO_SOON');
  });
});

describe('the horizon', () => {
  it('counts venue-local calendar days: across spring forward, one day is 23 hours', () => {
    // 2030-03-30 10:00 in Paris (+01:00) plus one day is 2030-03-31 10:00 (+02:00).
    const now = utc('2030-03-30T09:00:00Z');
    const p = policy({ min_notice_minutes: 0, horizon_days: 1 });
    expect(horizonEnd(now, p)).toBe(utc('2030-03-31T08:00:00Z'));
    expect(horizonEnd(now, p)! - now).toBe(23 * HOUR);
    expect(codeOf(() => assertTimely(utc('2030-03-31T08:00:00Z'), now, p))).toBeNull();
    expect(codeOf(() => assertTimely(utc('2030-03-31T08:00:00Z') + 1, now, p))).toBe('TOO_FAR_AHEAD');
    expect(codeOf(() => assertTimely(utc('2030-03-31T09:00:00Z'), now, p))).toBe('TOO_FAR_AHEAD');
  });

  it('and across fall back, 25 hours', () => {
    const now = utc('2030-10-26T08:00:00Z'); // 10:00 +02:00
    expect(horizonEnd(now, policy({ horizon_days: 1 }))).toBe(utc('2030-10-27T09:00:00Z')); // 10:00 +01:00
  });

  it('is no limit when null', () => {
    expect(horizonEnd(0, policy())).toBeNull();
    expect(codeOf(() => assertTimely(utc('2099-01-01T00:00:00Z'), utc('2030-01-01T00:00:00Z'), policy()))).toBeNull();
  });
});

describe('the cancellation cutoff', () => {
  const start = utc('2030-06-02T10:00:00Z');

  it('lets guests cancel until start − cutoff, that instant excluded', () => {
    expect(cancellableUntil(start, policy())).toBe(start - 24 * HOUR);
    expect(codeOf(() => assertCancellable(start, start - 24 * HOUR - 1, policy()))).toBeNull();
    expect(codeOf(() => assertCancellable(start, start - 24 * HOUR, policy()))).toBe('CANCELLATION_WINDOW_CLOSED');
  });

  it('counts real hours, not wall-clock ones, across a DST change', () => {
    // 24 hours before 2030-03-31 12:00 CEST is 2030-03-30 11:00 CET.
    expect(cancellableUntil(utc('2030-03-31T10:00:00Z'), policy())).toBe(utc('2030-03-30T10:00:00Z'));
  });
});

describe('party limits', () => {
  it('names the limits in the refusal', () => {
    let error: unknown;
    try {
      assertPartyFits(7, { minPlayers: 2, maxPlayers: 6 }, 7);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BookingError);
    expect(error).toMatchObject({ code: 'PARTY_SIZE_NOT_ALLOWED', issues: [{ path: 'players' }] });
    expect((error as Error).message).toContain('2 to 6');
    expect(codeOf(() => assertPartyFits(7, { minPlayers: 2, maxPlayers: null }, 1))).toBe('PARTY_SIZE_NOT_ALLOWED');
    expect(codeOf(() => assertPartyFits(7, { minPlayers: 2, maxPlayers: null }, 200))).toBeNull();
  });
});
