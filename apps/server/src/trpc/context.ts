import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { BookingApi } from '@escape-room/booking-core/api';
import { RateLimitedError } from '../rate-limit/budget.js';
import type { RateLimiter } from '../rate-limit/limiter.js';
import type { Context } from './init.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Builds the per-request context from the request: its headers (Authorization,
 * Idempotency-Key) and the client address that rate limits are counted against. Keys are compared as
 * SHA-256 digests with timingSafeEqual, so neither length nor content leaks through timing.
 */
export function contextFactory(service: BookingApi, adminApiKey: string | undefined, limiter: RateLimiter) {
  const expected = adminApiKey ? digest(adminApiKey) : null;
  const admin = (authorization: string | undefined): Pick<Context, 'isAdmin' | 'adminRefusal'> => {
    if (!expected) return { isAdmin: false, adminRefusal: 'Admin endpoints are disabled: the server has no ADMIN_API_KEY' };
    const presented = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
    if (!presented) return { isAdmin: false, adminRefusal: 'Send Authorization: Bearer <admin API key>' };
    const isAdmin = timingSafeEqual(digest(presented), expected);
    return { isAdmin, adminRefusal: isAdmin ? null : 'The admin API key is not valid' };
  };
  return ({ headers, ip }: { headers: IncomingHttpHeaders; ip: string }): Context => ({
    service,
    ...admin(headers.authorization),
    idempotencyKey: typeof headers['idempotency-key'] === 'string' ? headers['idempotency-key'] : undefined,
    async spend(budget) {
      const verdict = await limiter.consume(ip, budget);
      if (!verdict.allowed) throw new RateLimitedError(verdict.retryAfterSeconds);
    },
  });
}

export type ContextFactory = ReturnType<typeof contextFactory>;
