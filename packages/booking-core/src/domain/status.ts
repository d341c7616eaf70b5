import type { BookingStatus } from '../contract/bookings.js';
import { BookingError } from './errors.js';

/** What the database stores; `expired` may also be stored once a sweeper persists it. */
export interface BookingState {
  status: BookingStatus;
  /** When a pending hold lapses (epoch ms); null once it is no longer pending. */
  expiresAt?: number | null;
  /** Start of the booked slot (epoch ms). */
  startAt: number;
  /** End of the booked slot (epoch ms, exclusive). */
  endAt: number;
}

/**
 * A hold is live while now < expires_at: at the exact instant of expiry it has lapsed. Its SQL
 * form is in db/booking-sql.ts; booking-sql.test.ts proves the two agree.
 */
function isHoldLive(expiresAt: number | null | undefined, now: number): boolean {
  return expiresAt != null && now < expiresAt;
}

/** The status a reader sees: a pending hold past its expiry reads `expired`. */
export function effectiveStatus(booking: BookingState, now: number): BookingStatus {
  if (booking.status === 'pending' && !isHoldLive(booking.expiresAt, now)) return 'expired';
  return booking.status;
}

/** Whether the booking keeps its slot from anyone else at `now`. */
export function blocksSlot(booking: BookingState, now: number): boolean {
  const status = effectiveStatus(booking, now);
  return status === 'pending' || status === 'confirmed';
}

function requireLiveHold(booking: BookingState, now: number, action: string): void {
  const status = effectiveStatus(booking, now);
  if (status === 'expired') throw new BookingError('HOLD_EXPIRED', `The hold has expired; it can no longer be ${action}`);
  if (status !== 'pending') throw new BookingError('INVALID_STATE', `Only a pending hold can be ${action}; this booking is ${status}`);
}

/** The next stored status for each guest action, or a BookingError saying why not. */
export const transitions = {
  confirm(booking: BookingState, now: number): BookingStatus {
    requireLiveHold(booking, now, 'confirmed');
    return 'confirmed';
  },
  release(booking: BookingState, now: number): BookingStatus {
    requireLiveHold(booking, now, 'released');
    return 'released';
  },
  extend(booking: BookingState, now: number): BookingStatus {
    requireLiveHold(booking, now, 'extended');
    return 'pending';
  },
  cancel(booking: BookingState, now: number): BookingStatus {
    const status = effectiveStatus(booking, now);
    if (status !== 'confirmed') {
      throw new BookingError('INVALID_STATE', `Only a confirmed booking can be cancelled; this booking is ${status}`);
    }
    if (booking.startAt <= now) {
      throw new BookingError('INVALID_STATE', 'The booking has already started and can no longer be cancelled');
    }
    return 'cancelled';
  },
  /** The venue may call off any live booking (held or confirmed) until its slot is over. */
  cancelByVenue(booking: BookingState, now: number): BookingStatus {
    const status = effectiveStatus(booking, now);
    if (status !== 'pending' && status !== 'confirmed') {
      throw new BookingError('INVALID_STATE', `Only a pending or confirmed booking can be cancelled; this booking is ${status}`);
    }
    if (booking.endAt <= now) throw new BookingError('INVALID_STATE', 'The booking is already over');
    return 'cancelled';
  },
} as const;
