import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Budget } from '@escape-room/api';

export interface RateLimits {
  readsPerMinute: number;
  writesPerMinute: number;
  holdsPerMinute: number;
}

type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Spends one unit of `budget` for `client`. */
  consume(client: string, budget: Budget): Promise<Verdict>;
}

const WINDOW_SECONDS = 60;
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Per-client budgets per minute. With a Redis connection the counters are shared by every
 * instance. If Redis stops answering, rate-limiter-flexible's insurance limiter takes over:
 * each instance keeps the same budgets in its own memory until Redis is back, so an outage
 * neither refuses all traffic nor lifts the limits.
 */
export function createRateLimiter(limits: RateLimits, log: FastifyBaseLogger, redis?: Redis): RateLimiter {
  const make = (budget: Budget, points: number): RateLimiterAbstract => {
    const inMemory = new RateLimiterMemory({ keyPrefix: `rl:${budget}`, points, duration: WINDOW_SECONDS });
    if (!redis) return inMemory;
    return new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `rl:${budget}`,
      points,
      duration: WINDOW_SECONDS,
      useRedisPackage: false,
      insuranceLimiter: inMemory,
    });
  };
  const limiters: Record<Budget, RateLimiterAbstract> = {
    read: make('read', limits.readsPerMinute),
    write: make('write', limits.writesPerMinute),
    hold: make('hold', limits.holdsPerMinute),
  };

  let lastErrorLog = 0;
  return {
    async consume(client, budget) {
      try {
        await limiters[budget].consume(client, 1);
        return { allowed: true };
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)) };
        }
        if (Date.now() - lastErrorLog > ERROR_LOG_INTERVAL_MS) {
          lastErrorLog = Date.now();
          log.warn({ err: outcome }, 'rate limits failed; letting requests through');
        }
        return { allowed: true };
      }
    },
  };
}

/** No limits at all (RATE_LIMIT_ENABLED=false), e.g. for benchmarks and load tests. */
export const unlimited: RateLimiter = { consume: async () => ({ allowed: true }) };
