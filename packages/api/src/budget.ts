import { BookingError } from '@escape-room/booking-core/domain';

/** What an operation spends from: reads are cheap, writes less so, holds block a slot for minutes. */
export type Budget = 'read' | 'write' | 'hold';

/** A caller spent its budget; `retryAfterSeconds` becomes the Retry-After header. */
export class RateLimitedError extends BookingError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s`);
  }
}

/** The Retry-After header for a response whose errors include a rate limit, if any. */
export function retryAfterHeader(errors: readonly { cause?: unknown }[]): Record<string, string> {
  const limited = errors.find((error) => error.cause instanceof RateLimitedError)?.cause as RateLimitedError | undefined;
  return limited ? { 'retry-after': String(limited.retryAfterSeconds) } : {};
}
