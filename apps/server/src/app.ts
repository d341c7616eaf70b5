import { randomUUID } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance } from 'fastify';
import type { BookingApi } from '@escape-room/booking-core/api';
import type { Config } from './config.js';
import { calendarRoute } from './http/calendar.js';
import { docs } from './http/docs.js';
import { answerClientError, answerFrameworkError, registerErrorHandling } from './http/error-handling.js';
import { REST_METHODS, REST_PREFIX, errorBody, statusFor } from '@escape-room/api';
import { health } from './http/health.js';
import { redactingErrorSerializer } from './http/log-redaction.js';
import { restApi } from './http/rest.js';
import { useSecurityHeaders } from './http/security-headers.js';
import { trpcApi } from './http/trpc.js';
import { web } from './http/web.js';
import { createRateLimiter, unlimited, type RateLimiter } from './rate-limit/limiter.js';
import { connectRedis } from './rate-limit/redis.js';
import { contextFactory } from './context.js';

type ServerConfig = Pick<
  Config,
  | 'ADMIN_API_KEY'
  | 'LOG_LEVEL'
  | 'CORS_ORIGINS'
  | 'FRAME_ANCESTORS'
  | 'RATE_LIMIT_ENABLED'
  | 'RATE_LIMIT_READS_PER_MINUTE'
  | 'RATE_LIMIT_WRITES_PER_MINUTE'
  | 'RATE_LIMIT_HOLDS_PER_MINUTE'
  | 'REDIS_URL'
  | 'CHECK_OUTPUTS'
>;

export interface ServerDeps {
  config: ServerConfig;
  service: BookingApi;
  pingDatabase: () => Promise<void>;
}

/** The per-client budgets; shared through Redis when configured. The app owns the connection. */
function rateLimiter(app: FastifyInstance, config: ServerConfig): RateLimiter {
  if (!config.RATE_LIMIT_ENABLED) return unlimited;
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, app.log) : undefined;
  if (redis) app.addHook('onClose', async () => redis.disconnect());
  const limits = {
    readsPerMinute: config.RATE_LIMIT_READS_PER_MINUTE,
    writesPerMinute: config.RATE_LIMIT_WRITES_PER_MINUTE,
    holdsPerMinute: config.RATE_LIMIT_HOLDS_PER_MINUTE,
  };
  return createRateLimiter(limits, app.log, redis);
}

const BODY_LIMIT_BYTES = 16 * 1024;

/** Builds the HTTP host with no globals, so tests can start as many as they like. */
export async function buildServer({ config, service, pingDatabase }: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', '*.email', '*.*.email'], censor: '[redacted]' },
      serializers: { err: redactingErrorSerializer },
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify's own 503 while closing has a body outside the contract; see the onRequest hook.
    return503OnClosing: false,
    // Keep-alive sockets with no request in flight must not hold a shutdown open.
    forceCloseConnections: 'idle',
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    // tRPC batches put several procedure names in one path segment. `/bookings/` is `/bookings`,
    // as the OpenAPI document's paths are read.
    // Query strings are read by Node's own parser, which decodes with the engine's native
    // decodeURIComponent: tRPC's percent-encoded JSON inputs decode in a third less time than
    // with find-my-way's default, which decodes character by character in JavaScript.
    routerOptions: { maxParamLength: 500, ignoreTrailingSlash: true, querystringParser: (query) => parseQuery(query) },
  });
  // During shutdown, answers to requests still in flight close their connection, so no
  // keep-alive socket holds the process open once they are done.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
  });

  registerErrorHandling(app);
  useSecurityHeaders(app);
  // Browsers on other origins may call the API only from the configured allowlist.
  await app.register(cors, {
    origin: config.CORS_ORIGINS,
    // tRPC sends queries as GET and mutations as POST; REST, whatever its operations declare.
    methods: [...new Set(['GET', 'POST', ...REST_METHODS])],
    allowedHeaders: ['content-type', 'authorization', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['retry-after', 'x-request-id'],
    maxAge: 600,
  });
  // Requests that still arrive on open connections while the server drains are refused before
  // any work, as Fastify's own 503 would, but with the contract's body. Added after the security
  // and CORS hooks, so the refusal carries their headers and browsers can read it.
  app.addHook('onRequest', async (request, reply) => {
    if (!closing) return;
    request.log.info('refused: the server is shutting down');
    const code = 'SERVICE_UNAVAILABLE';
    return reply.status(statusFor(code)).send(errorBody(code, 'The server is shutting down; retry the request'));
  });
  const makeContext = contextFactory(service, config.ADMIN_API_KEY, rateLimiter(app, config));
  await app.register(health, { pingDatabase });
  await app.register(docs);
  await app.register(web, { frameAncestors: config.FRAME_ANCESTORS });
  const callOptions = { checkOutputs: config.CHECK_OUTPUTS };
  await app.register(trpcApi, { makeContext, callOptions });
  await app.register(calendarRoute, { makeContext });
  await app.register(restApi, { prefix: REST_PREFIX, makeContext, callOptions });
  return app;
}
