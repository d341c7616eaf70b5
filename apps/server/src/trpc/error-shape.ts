import type { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { ZodError } from 'zod';
import type { ErrorBody } from '@escape-room/booking-core/contract';
import { BookingError } from '@escape-room/booking-core/domain';
import { INTERNAL_MESSAGE, codeForStatus, errorBody } from '../http/errors.js';

function describeIssues(error: ZodError): ErrorBody['issues'] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/**
 * Turns whatever a procedure threw into the contract's error body. Internal failures are
 * reduced to a generic message: no stack, SQL or path ever reaches a client.
 */
export function toErrorBody(error: TRPCError): ErrorBody {
  const { cause } = error;
  if (cause instanceof BookingError) return errorBody(cause.code, cause.message, cause.issues);
  if (cause instanceof ZodError) {
    const issues = describeIssues(cause);
    const summary = issues?.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return errorBody('VALIDATION_ERROR', `Invalid input: ${summary}`, issues);
  }
  const status = getHTTPStatusCodeFromError(error);
  const code = codeForStatus(status);
  if (error.code === 'PARSE_ERROR') return errorBody(code, 'The request body is not valid JSON');
  if (error.code === 'NOT_FOUND') return errorBody(code, 'No operation has this method and path; see /api/v1/openapi.json');
  return errorBody(code, status >= 500 ? INTERNAL_MESSAGE : error.message);
}
