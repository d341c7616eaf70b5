import { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';

/**
 * A Redis connection for shared rate limits. Commands fail at once while it is down (no
 * offline queue), so a Redis outage costs a log line, not a hung request; ioredis keeps
 * reconnecting in the background.
 */
export function connectRedis(url: string, log: FastifyBaseLogger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let down = false;
  redis.on('error', (error) => {
    if (!down) log.warn({ err: error }, 'redis unavailable; each instance keeps the rate limits in memory until it is back');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('redis is back; rate limits are shared again');
    down = false;
  });
  return redis;
}
