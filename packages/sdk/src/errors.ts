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
    options?: { cause?: unknown; retryAfterSeconds?: number | undefined },
  ) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  /** For `RATE_LIMITED`: how long to wait before trying again, from the answer's Retry-After header. */
  readonly retryAfterSeconds: number | undefined;
}

export function isBookingApiError(error: unknown): error is BookingApiError {
  return error instanceof BookingApiError;
}

/** Retry-After in seconds (the API sends delta-seconds, never a date); undefined when absent. */
function retryAfter(meta: Record<string, unknown> | undefined): number | undefined {
  // httpLink and httpBatchLink leave the fetch Response in `meta.response`.
  const response = meta?.response as { headers?: { get?: (name: string) => string | null } } | undefined;
  const header = response?.headers?.get?.('retry-after');
  const seconds = header == null ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
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
      return new BookingApiError(data.code as ErrorCode, error.message, data.httpStatus ?? 0, data.issues ?? [], {
        cause: error,
        retryAfterSeconds: retryAfter(error.meta),
      });
    }
    if (error.cause instanceof TypeError || error.cause?.name === 'AbortError') {
      return new BookingApiError('NETWORK_ERROR', `The booking API could not be reached: ${error.cause.message}`, 0, [], { cause: error });
    }
    return new BookingApiError('UNEXPECTED_RESPONSE', `The server did not answer as the booking API: ${error.message}`, data.httpStatus ?? 0, [], { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BookingApiError('NETWORK_ERROR', `The booking API could not be reached: ${message}`, 0, [], { cause: error });
}
