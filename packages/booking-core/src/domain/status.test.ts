import { describe, expect, it } from 'vitest';
import { BookingError } from './errors.js';
import { blocksSlot, effectiveStatus, transitions, type BookingState } from './status.js';

const expiresAt = 1_000_000;
const hold: BookingState = { status: 'pending', expiresAt, startAt: 5_000_000, endAt: 8_600_000 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof BookingError) return error.code;
    throw error;
  }
  return undefined;
}

describe('hold status at the exact expiry boundary', () => {
  it('is pending one millisecond before expires_at', () => {
    expect(effectiveStatus(hold, expiresAt - 1)).toBe('pending');
    expect(blocksSlot(hold, expiresAt - 1)).toBe(true);
  });

  it('reads expired at expires_at itself and frees the slot', () => {
    expect(effectiveStatus(hold, expiresAt)).toBe('expired');
    expect(blocksSlot(hold, expiresAt)).toBe(false);
  });

  it('can be confirmed or released while live', () => {
    expect(transitions.confirm(hold, expiresAt - 1)).toBe('confirmed');
    expect(transitions.release(hold, expiresAt - 1)).toBe('released');
  });

  it('answers HOLD_EXPIRED once lapsed', () => {
    expect(codeOf(() => transitions.confirm(hold, expiresAt))).toBe('HOLD_EXPIRED');
    expect(codeOf(() => transitions.release(hold, expiresAt + 1))).toBe('HOLD_EXPIRED');
  });
});

describe('settled bookings', () => {
  const confirmed: BookingState = { status: 'confirmed', expiresAt: null, startAt: 5_000_000, endAt: 8_600_000 };

  it('keep their status whatever the clock says', () => {
    expect(effectiveStatus(confirmed, Number.MAX_SAFE_INTEGER)).toBe('confirmed');
    expect(blocksSlot(confirmed, Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(blocksSlot({ ...confirmed, status: 'released' }, 0)).toBe(false);
    expect(blocksSlot({ ...confirmed, status: 'cancelled' }, 0)).toBe(false);
  });

  it('refuse a second confirm or a release with INVALID_STATE', () => {
    expect(codeOf(() => transitions.confirm(confirmed, 0))).toBe('INVALID_STATE');
    expect(codeOf(() => transitions.release(confirmed, 0))).toBe('INVALID_STATE');
  });

  it('cancel only while confirmed and not yet started', () => {
    expect(transitions.cancel(confirmed, confirmed.startAt - 1)).toBe('cancelled');
    expect(codeOf(() => transitions.cancel(confirmed, confirmed.startAt))).toBe('INVALID_STATE');
    expect(codeOf(() => transitions.cancel(hold, 0))).toBe('INVALID_STATE');
    expect(codeOf(() => transitions.cancel({ ...confirmed, status: 'cancelled' }, 0))).toBe('INVALID_STATE');
  });
});

describe('cancellation by the venue', () => {
  const confirmed: BookingState = { ...hold, status: 'confirmed', expiresAt: null };

  it('covers live holds and confirmed bookings until the slot is over', () => {
    expect(transitions.cancelByVenue(hold, 0)).toBe('cancelled');
    expect(transitions.cancelByVenue(confirmed, confirmed.startAt + 1)).toBe('cancelled');
    expect(codeOf(() => transitions.cancelByVenue(confirmed, confirmed.endAt))).toBe('INVALID_STATE');
    expect(codeOf(() => transitions.cancelByVenue(hold, expiresAt))).toBe('INVALID_STATE');
    expect(codeOf(() => transitions.cancelByVenue({ ...confirmed, status: 'released' }, 0))).toBe('INVALID_STATE');
  });
});
