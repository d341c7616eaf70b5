import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { BookingApi } from '@escape-room/booking-core/api';
import type { Config } from './config.js';
import { docs } from './http/docs.js';
import { answerClientError, registerErrorHandling } from './http/error-handling.js';
import { health } from './http/health.js';
import { REST_PREFIX } from './http/openapi.js';
import { restApi } from './http/rest.js';
import { trpcApi } from './http/trpc.js';
import { contextFactory } from './trpc/context.js';

export interface ServerDeps {
  config: Pick<Config, 'ADMIN_API_KEY' | 'LOG_LEVEL'>;
  service: BookingApi;
  pingDatabase: () => Promise<void>;
}

export const BODY_LIMIT_BYTES = 16 * 1024;

/** Builds the HTTP host with no globals, so tests can start as many as they like. */
export async function buildServer({ config, service, pingDatabase }: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', '*.email', '*.*.email'], censor: '[redacted]' },
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    // Keep-alive sockets with no request in flight must not hold a shutdown open.
    forceCloseConnections: 'idle',
    clientErrorHandler: answerClientError,
    // tRPC batches put several procedure names in one path segment.
    routerOptions: { maxParamLength: 500 },
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
  const makeContext = contextFactory(service, config.ADMIN_API_KEY);
  await app.register(health, { pingDatabase });
  await app.register(docs);
  await app.register(trpcApi, { makeContext });
  await app.register(restApi, { prefix: REST_PREFIX, makeContext });
  return app;
}
