import type { TRPCError, TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { ZodError } from 'zod';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '@escape-room/booking-core/contract';
import { BookingError } from '@escape-room/booking-core/domain';

// The one home of error handling: domain code -> HTTP status -> tRPC code -> error body.

/**
 * The one table between HTTP statuses and the codes transports speak. Domain errors carry
 * their own code (whose status the contract fixes); transport failures (bad JSON, unknown
 * path, oversize body) only have a status, and get the generic code for it.
 */
const BY_STATUS: Record<number, { code: ErrorCode; trpc: TRPC_ERROR_CODE_KEY }> = {
  400: { code: 'VALIDATION_ERROR', trpc: 'BAD_REQUEST' },
  401: { code: 'UNAUTHORIZED', trpc: 'UNAUTHORIZED' },
  403: { code: 'FORBIDDEN', trpc: 'FORBIDDEN' },
  404: { code: 'NOT_FOUND', trpc: 'NOT_FOUND' },
  405: { code: 'METHOD_NOT_ALLOWED', trpc: 'METHOD_NOT_SUPPORTED' },
  409: { code: 'INVALID_STATE', trpc: 'CONFLICT' },
  413: { code: 'PAYLOAD_TOO_LARGE', trpc: 'PAYLOAD_TOO_LARGE' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', trpc: 'UNSUPPORTED_MEDIA_TYPE' },
  422: { code: 'IDEMPOTENCY_KEY_REUSED', trpc: 'UNPROCESSABLE_CONTENT' },
  429: { code: 'RATE_LIMITED', trpc: 'TOO_MANY_REQUESTS' },
  431: { code: 'HEADERS_TOO_LARGE', trpc: 'BAD_REQUEST' },
  500: { code: 'INTERNAL_ERROR', trpc: 'INTERNAL_SERVER_ERROR' },
  503: { code: 'SERVICE_UNAVAILABLE', trpc: 'SERVICE_UNAVAILABLE' },
};

export const INTERNAL_MESSAGE = 'Something went wrong on our side; the request may be retried';

export function trpcCodeFor(code: ErrorCode): TRPC_ERROR_CODE_KEY {
  return BY_STATUS[ERROR_STATUS[code]]?.trpc ?? 'INTERNAL_SERVER_ERROR';
}

/** The generic code for a bare HTTP status; unknown client errors read as validation errors. */
export function codeForStatus(status: number): ErrorCode {
  return BY_STATUS[status]?.code ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR');
}

export function statusFor(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

export function errorBody(code: ErrorCode, message: string, issues?: ErrorBody['issues']): ErrorBody {
  return issues?.length ? { code, message, issues } : { code, message };
}

function describeIssues(error: ZodError): ErrorBody['issues'] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/** A domain refusal or invalid input as the contract's body; undefined for anything else (a failure of ours). */
export function knownFailure(error: unknown): ErrorBody | undefined {
  if (error instanceof BookingError) return errorBody(error.code, error.message, error.issues);
  if (error instanceof ZodError) {
    const issues = describeIssues(error);
    const summary = issues?.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return errorBody('VALIDATION_ERROR', `Invalid input: ${summary}`, issues);
  }
  return undefined;
}

/**
 * Turns whatever a procedure threw into the contract's error body. Internal failures are
 * reduced to a generic message: no stack, SQL or path ever reaches a client.
 */
export function toErrorBody(error: TRPCError): ErrorBody {
  const known = knownFailure(error.cause);
  if (known) return known;
  const status = getHTTPStatusCodeFromError(error);
  const code = codeForStatus(status);
  if (error.code === 'PARSE_ERROR') return errorBody(code, 'The request body is not valid JSON');
  if (error.code === 'NOT_FOUND') return errorBody(code, 'No operation has this method and path; see /api/v1/openapi.json');
  return errorBody(code, status >= 500 ? INTERNAL_MESSAGE : error.message);
}
