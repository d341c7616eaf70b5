import type { OpenApiMeta } from 'trpc-to-openapi';
import type { ErrorCode } from '@escape-room/booking-core/contract';
import type { Budget } from './budget.js';
import type { Meta } from './trpc.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Methods whose requests Fastify reads a body for: on these, a body over the limit or of a
 * type with no parser is refused before any procedure runs.
 */
const BODY_METHODS: ReadonlySet<string> = new Set<Method>(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The transport-level codes, decided once for every operation: what any call may answer on
 * top of the codes of its own domain. The OpenAPI document lists them per operation and status.
 */
const GENERIC_ERRORS = {
  /** Bad input, a spent budget, a URL or headers over Node's limit, a failure of ours, a busy database or a shutdown. */
  every: ['VALIDATION_ERROR', 'RATE_LIMITED', 'HEADERS_TOO_LARGE', 'INTERNAL_ERROR', 'SERVICE_UNAVAILABLE'],
  /** Methods that carry a body (BODY_METHODS): too large, or not JSON. */
  body: ['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'],
  /** Admin operations: no or an unknown key, or a revoked one. */
  admin: ['UNAUTHORIZED', 'FORBIDDEN'],
} as const satisfies Record<string, readonly ErrorCode[]>;

/** The document's sections, in order: every operation names one. */
export const TAGS = [
  { name: 'Venue', description: "The venue's settings: time zone, currency and booking policies." },
  { name: 'Sessions', description: 'Fixed games from the rooms’ schedules, with their prices and whether they can be held.' },
  { name: 'Rooms', description: 'The rooms of the venue, their schedules, and which of them are free when.' },
  { name: 'Bookings', description: 'Hold a slot, then confirm, extend, release or cancel it. The booking id is the only credential.' },
  { name: 'Admin', description: 'The venue staff: settings, every booking, rooms, schedules and API keys. Needs `Authorization: Bearer <admin API key>`.' },
  {
    name: 'Events',
    description:
      'Every change of a booking is an event, recorded in the transaction that makes it and kept 90 days by default. The holder of a booking id reads its history; the venue reads them all.',
  },
  {
    name: 'Webhooks',
    description:
      'Endpoints that receive events as signed POSTs (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`), at least once: deduplicate on `webhook-id`. Admin only.',
  },
] as const;
type Tag = (typeof TAGS)[number]['name'];

interface RestOptions {
  summary: string;
  description?: string;
  tag: Tag;
  /** The domain's error codes this operation may answer (the generic ones are added here). */
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
export function rest(method: Method, path: `/${string}`, options: RestOptions): Meta {
  const errors: ErrorCode[] = [
    ...GENERIC_ERRORS.every,
    ...(BODY_METHODS.has(method) ? GENERIC_ERRORS.body : []),
    ...(options.admin ? GENERIC_ERRORS.admin : []),
    ...(options.errors ?? []),
  ];
  const openapi = {
    method,
    path,
    summary: options.summary,
    description: options.description,
    tags: [options.tag],
    protect: options.admin === true,
    // None from the adapter: it would describe tRPC's error shape (unused `error.*` components);
    // openapi.ts documents the contract's body per status from `errors` instead.
    errorResponses: {},
    requestHeaders: options.requestHeaders,
  } satisfies NonNullable<Meta['openapi']> & NonNullable<OpenApiMeta['openapi']>;
  return {
    openapi,
    errors,
    successStatus: options.successStatus,
    budget: options.budget ?? (method === 'GET' ? 'read' : 'write'),
  };
}
