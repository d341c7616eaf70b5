import { TRPCClientError } from '@trpc/client';
import { ERROR_CODES, type ErrorCode, type FieldIssue } from '@escape-room/booking-core/contract';

/**
 * Every code a call can fail with: the API's own codes, plus two the client detects itself
 * when no API answer arrived (`NETWORK_ERROR`) or the answer was not the API's (`UNEXPECTED_RESPONSE`).
 */
export type BookingErrorCode = ErrorCode | 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';

const API_CODES = new Set<string>(ERROR_CODES);

/** The one error type the client throws. `code` narrows: `if (err.code === 'SLOT_UNAVAILABLE')`. */
export class BookingApiError extends Error {
  override readonly name = 'BookingApiError';
  constructor(
    readonly code: BookingErrorCode,
    message: string,
    /** The HTTP status the API answered with; 0 when no answer arrived. */
    readonly status: number,
    /** For `VALIDATION_ERROR`: which fields were wrong, and why. */
    readonly issues: FieldIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isBookingApiError(error: unknown): error is BookingApiError {
  return error instanceof BookingApiError;
}

interface ErrorData {
  code?: string;
  httpStatus?: number;
  issues?: FieldIssue[];
}

/** Translates whatever the transport threw into a BookingApiError. */
export function toBookingApiError(error: unknown): BookingApiError {
  if (error instanceof BookingApiError) return error;
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as ErrorData;
    if (data.code && API_CODES.has(data.code)) {
      return new BookingApiError(data.code as ErrorCode, error.message, data.httpStatus ?? 0, data.issues ?? [], { cause: error });
    }
    if (error.cause instanceof TypeError || error.cause?.name === 'AbortError') {
      return new BookingApiError('NETWORK_ERROR', `The booking API could not be reached: ${error.cause.message}`, 0, [], { cause: error });
    }
    return new BookingApiError('UNEXPECTED_RESPONSE', `The server did not answer as the booking API: ${error.message}`, data.httpStatus ?? 0, [], { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BookingApiError('NETWORK_ERROR', `The booking API could not be reached: ${message}`, 0, [], { cause: error });
}
