import type { OpenApiMeta } from 'trpc-to-openapi';
import { ERROR_STATUS, type ErrorCode } from '@escape-room/booking-core/contract';
import type { Budget } from '../rate-limit/budget.js';
import type { Meta } from './init.js';

interface RestOptions {
  summary: string;
  description?: string;
  tag: 'Rooms' | 'Bookings' | 'Admin';
  /** Error codes beyond the ones every operation may answer. */
  errors?: ErrorCode[];
  admin?: boolean;
  successStatus?: number;
  /** The rate-limit budget; GET operations read, others write. */
  budget?: Budget;
  /** Headers the operation reads, for the OpenAPI document. */
  requestHeaders?: NonNullable<Meta['openapi']>['requestHeaders'];
}

/**
 * The REST face of a procedure: its path and method, and everything the OpenAPI document
 * says about it. Admin operations are the only protected ones.
 */
export function rest(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: `/${string}`, options: RestOptions): Meta {
  const errors: ErrorCode[] = [
    'VALIDATION_ERROR',
    'RATE_LIMITED',
    ...(options.admin ? (['UNAUTHORIZED', 'FORBIDDEN'] as const) : []),
    ...(options.errors ?? []),
  ];
  const openapi = {
    method,
    path,
    summary: options.summary,
    description: options.description,
    tags: [options.tag],
    protect: options.admin === true,
    errorResponses: [...new Set(errors.map((code) => ERROR_STATUS[code]))],
    requestHeaders: options.requestHeaders,
  } satisfies NonNullable<Meta['openapi']> & NonNullable<OpenApiMeta['openapi']>;
  return {
    openapi,
    errors,
    successStatus: options.successStatus,
    budget: options.budget ?? (method === 'GET' ? 'read' : 'write'),
  };
}
