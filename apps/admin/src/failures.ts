import { isBookingApiError } from '@escape-room/sdk';

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  unreachable: 3,
  unauthorized: 4,
  notFound: 5,
} as const;

/** A message a person can act on, and the exit code that goes with it. */
export function describeFailure(error: unknown, apiUrl: string): { message: string; exitCode: number } {
  if (!isBookingApiError(error)) {
    return { message: `Unexpected failure: ${error instanceof Error ? error.message : String(error)}`, exitCode: EXIT.failed };
  }
  switch (error.code) {
    case 'NETWORK_ERROR':
      return { message: `Cannot reach the booking API at ${apiUrl}. Is the server running? (${error.message})`, exitCode: EXIT.unreachable };
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return { message: `The API refused the admin key: ${error.message}. Set ADMIN_API_KEY or pass --admin-key.`, exitCode: EXIT.unauthorized };
    case 'RATE_LIMITED':
      return { message: `${error.message}.`, exitCode: EXIT.failed };
    case 'BOOKING_NOT_FOUND':
    case 'ROOM_NOT_FOUND':
    case 'KEY_NOT_FOUND':
      return { message: error.message, exitCode: EXIT.notFound };
    case 'VALIDATION_ERROR': {
      const fields = error.issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n');
      return { message: `The API rejected the input:\n${fields || `  ${error.message}`}`, exitCode: EXIT.usage };
    }
    default:
      return { message: `${error.code}: ${error.message}`, exitCode: EXIT.failed };
  }
}
