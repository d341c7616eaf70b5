import type { ErrorCode, FieldIssue } from '../contract/errors.js';

/** A rule of the domain said no. Transports map `code` to their own status through the contract. */
export class BookingError extends Error {
  override readonly name = 'BookingError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
  }
}
