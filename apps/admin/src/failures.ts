import { isBookingApiError, type BookingErrorCode } from '@escape-room/sdk';

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  unreachable: 3,
  unauthorized: 4,
  notFound: 5,
} as const;

type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Every code a call can fail with, and the exit code it ends the CLI with. A `Record` over the
 * SDK's union, so a code added to the contract does not compile here until it has its exit code.
 */
const EXIT_BY_CODE: Record<BookingErrorCode, ExitCode> = {
  NETWORK_ERROR: EXIT.unreachable,
  UNEXPECTED_RESPONSE: EXIT.failed,
  UNAUTHORIZED: EXIT.unauthorized,
  FORBIDDEN: EXIT.unauthorized,
  NOT_FOUND: EXIT.failed, // no such operation: a server of another version, not a missing record
  ROOM_NOT_FOUND: EXIT.notFound,
  BOOKING_NOT_FOUND: EXIT.notFound,
  KEY_NOT_FOUND: EXIT.notFound,
  WEBHOOK_NOT_FOUND: EXIT.notFound,
  DELIVERY_NOT_FOUND: EXIT.notFound,
  WEBHOOK_URL_REFUSED: EXIT.usage,
  VALIDATION_ERROR: EXIT.usage,
  METHOD_NOT_ALLOWED: EXIT.failed,
  SLOT_UNAVAILABLE: EXIT.failed,
  HOLD_EXPIRED: EXIT.failed,
  INVALID_STATE: EXIT.failed,
  TOO_MANY_HOLDS: EXIT.failed,
  CANCELLATION_WINDOW_CLOSED: EXIT.failed,
  ROOM_ARCHIVED: EXIT.failed,
  IDEMPOTENCY_IN_PROGRESS: EXIT.failed,
  PAYLOAD_TOO_LARGE: EXIT.failed,
  UNSUPPORTED_MEDIA_TYPE: EXIT.failed,
  IDEMPOTENCY_KEY_REUSED: EXIT.failed,
  PARTY_SIZE_NOT_ALLOWED: EXIT.failed,
  NOT_A_SESSION: EXIT.failed,
  TOO_SOON: EXIT.failed,
  TOO_FAR_AHEAD: EXIT.failed,
  HEADERS_TOO_LARGE: EXIT.failed,
  RATE_LIMITED: EXIT.failed,
  INTERNAL_ERROR: EXIT.failed,
  SERVICE_UNAVAILABLE: EXIT.failed,
};

/** What a person can do about a refusal, said after the API's own message. */
const HINTS: Partial<Record<BookingErrorCode, string>> = {
  TOO_MANY_HOLDS: "The guest must confirm or release a hold first, or send the new hold with `replaces` (the server's MAX_LIVE_HOLDS_PER_GUEST).",
  CANCELLATION_WINDOW_CLOSED: 'Past the venue\'s cancellation cutoff a guest cannot cancel; the venue still can: `bookings cancel <id>`.',
  PARTY_SIZE_NOT_ALLOWED: 'See the PLAYERS column of `rooms list`.',
  NOT_A_SESSION: 'A scheduled room takes exactly one of its sessions: see `sessions --date YYYY-MM-DD --room <id>`.',
  TOO_SOON: "The start is inside the venue's minimum notice: see `venue show`.",
  TOO_FAR_AHEAD: "The start is past the venue's horizon: see `venue show`.",
  WEBHOOK_URL_REFUSED: 'The server accepts https endpoints on public addresses only, unless it runs with WEBHOOK_ALLOW_HTTP or WEBHOOK_ALLOW_PRIVATE_NETWORKS.',
};

/** A message a person can act on, and the exit code that goes with it. */
export function describeFailure(error: unknown, apiUrl: string): { message: string; exitCode: number } {
  if (!isBookingApiError(error)) {
    return { message: `Unexpected failure: ${error instanceof Error ? error.message : String(error)}`, exitCode: EXIT.failed };
  }
  const exitCode = EXIT_BY_CODE[error.code];
  switch (error.code) {
    case 'NETWORK_ERROR':
      return { message: `Cannot reach the booking API at ${apiUrl}. Is the server running? (${error.message})`, exitCode };
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return { message: `The API refused the admin key: ${error.message}. Set ADMIN_API_KEY or pass --admin-key.`, exitCode };
    case 'RATE_LIMITED':
      return { message: `${error.message}.`, exitCode };
    case 'BOOKING_NOT_FOUND':
    case 'ROOM_NOT_FOUND':
    case 'KEY_NOT_FOUND':
    case 'WEBHOOK_NOT_FOUND':
    case 'DELIVERY_NOT_FOUND':
      return { message: error.message, exitCode };
    case 'VALIDATION_ERROR': {
      const fields = error.issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n');
      return { message: `The API rejected the input:\n${fields || `  ${error.message}`}`, exitCode };
    }
    default: {
      const hint = HINTS[error.code];
      return { message: `${error.code}: ${error.message}${hint ? `\n${hint}` : ''}`, exitCode };
    }
  }
}
