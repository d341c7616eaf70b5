import { isBookingApiError, type BookingErrorCode } from '@escape-room/sdk';

/** What a guest reads for each error code the page can meet; the API's own message otherwise. */
const PLAIN: Partial<Record<BookingErrorCode, string>> = {
  SLOT_UNAVAILABLE: 'Sorry, someone else has just taken that session. The times shown are up to date now; please choose another.',
  HOLD_EXPIRED: 'Your hold on this session ran out before it was confirmed.',
  TOO_MANY_HOLDS: 'You are already holding as many sessions as we allow at once. Confirm or give one back first.',
  PARTY_SIZE_NOT_ALLOWED: 'This room does not take a party of that size.',
  TOO_SOON: 'This session starts too soon to be booked online.',
  TOO_FAR_AHEAD: 'This session is too far ahead to be booked yet.',
  CANCELLATION_WINDOW_CLOSED: 'It is too late to cancel this booking online.',
  BOOKING_NOT_FOUND: 'We could not find this booking. Check the link you followed.',
  NETWORK_ERROR: 'We could not reach the booking service. Check your connection and try again.',
  SERVICE_UNAVAILABLE: 'The booking service is busy right now. Please try again.',
  INTERNAL_ERROR: 'Something went wrong on our side. Please try again.',
  UNEXPECTED_RESPONSE: 'The booking service answered in a way we did not expect. Please try again.',
  RATE_LIMITED: 'Too many attempts from here in a short time.',
};

/** Failures worth trying again unchanged: no answer, or a passing condition on the server's side. */
const TEMPORARY = new Set<BookingErrorCode>(['NETWORK_ERROR', 'SERVICE_UNAVAILABLE', 'INTERNAL_ERROR', 'UNEXPECTED_RESPONSE', 'RATE_LIMITED', 'IDEMPOTENCY_IN_PROGRESS']);

export function errorCode(error: unknown): BookingErrorCode {
  return isBookingApiError(error) ? error.code : 'NETWORK_ERROR';
}

export const plainMessage = (code: BookingErrorCode): string => PLAIN[code] ?? code;

export function describeError(error: unknown): string {
  const code = errorCode(error);
  return PLAIN[code] ?? (error instanceof Error ? error.message : String(error));
}

export const isTemporary = (error: unknown): boolean => TEMPORARY.has(errorCode(error));

/** Seconds to wait before trying again, when the API said so (RATE_LIMITED); at least one. */
export function retryAfter(error: unknown): number | undefined {
  if (!isBookingApiError(error) || error.code !== 'RATE_LIMITED') return undefined;
  return Math.max(1, error.retryAfterSeconds ?? 1);
}
