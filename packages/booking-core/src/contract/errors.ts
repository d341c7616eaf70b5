import { z } from 'zod';

/**
 * Every failure the API can answer, with the HTTP status it travels under.
 * The code is the stable, machine-readable part of the contract; messages may change.
 */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROOM_NOT_FOUND: 404,
  BOOKING_NOT_FOUND: 404,
  KEY_NOT_FOUND: 404,
  WEBHOOK_NOT_FOUND: 404,
  DELIVERY_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  SLOT_UNAVAILABLE: 409,
  HOLD_EXPIRED: 409,
  INVALID_STATE: 409,
  TOO_MANY_HOLDS: 409,
  CANCELLATION_WINDOW_CLOSED: 409,
  ROOM_ARCHIVED: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  PARTY_SIZE_NOT_ALLOWED: 422,
  NOT_A_SESSION: 422,
  TOO_SOON: 422,
  TOO_FAR_AHEAD: 422,
  WEBHOOK_URL_REFUSED: 422,
  HEADERS_TOO_LARGE: 431,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

export const ErrorCodeSchema = z.enum(ERROR_CODES);

export const FieldIssueSchema = z.object({
  path: z.string().meta({ description: 'Dotted path of the offending field, e.g. `guest.email`' }),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

/** The body of every non-2xx response, REST and tRPC alike (tRPC carries it in `error.data`). */
export const ErrorBodySchema = z
  .object({
    code: ErrorCodeSchema,
    message: z.string(),
    issues: z.array(FieldIssueSchema).optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
