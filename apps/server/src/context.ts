import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { BookingApi } from '@escape-room/booking-core/api';
import type { Actor } from '@escape-room/booking-core/contract';
import { BookingError } from '@escape-room/booking-core/domain';
import { RateLimitedError, type Context } from '@escape-room/api';
import type { RateLimiter } from './rate-limit/limiter.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The key from ADMIN_API_KEY, as events name it. */
const BOOTSTRAP_ACTOR: Actor = { type: 'admin_key', id: 'ADMIN_API_KEY' };

function bearer(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

/**
 * Builds the per-request context from the request: its headers (Authorization,
 * Idempotency-Key) and the client address that rate limits are counted against. Admin
 * checks run only when an admin procedure asks for them. The bootstrap key from the
 * environment is compared as a SHA-256 digest with timingSafeEqual; keys created through
 * the API are checked by the service against their stored hash.
 */
export function contextFactory(service: BookingApi, bootstrapKey: string | undefined, limiter: RateLimiter) {
  const bootstrap = bootstrapKey ? digest(bootstrapKey) : null;
  return ({ headers, ip }: { headers: IncomingHttpHeaders; ip: string }): Context => ({
    service,
    idempotencyKey: typeof headers['idempotency-key'] === 'string' ? headers['idempotency-key'] : undefined,
    async authorizeAdmin() {
      const presented = bearer(headers.authorization);
      if (!presented) throw new BookingError('UNAUTHORIZED', 'Send Authorization: Bearer <admin API key>');
      if (bootstrap && timingSafeEqual(digest(presented), bootstrap)) return BOOTSTRAP_ACTOR;
      const key = await service.verifyAdminKey(presented);
      if (key.verdict === 'revoked') throw new BookingError('FORBIDDEN', 'This admin API key has been revoked');
      if (key.verdict !== 'valid') throw new BookingError('UNAUTHORIZED', 'The admin API key is not valid');
      return { type: 'admin_key', id: key.keyId };
    },
    async spend(budget) {
      const verdict = await limiter.consume(ip, budget);
      if (!verdict.allowed) throw new RateLimitedError(verdict.retryAfterSeconds);
    },
  });
}

export type ContextFactory = ReturnType<typeof contextFactory>;
