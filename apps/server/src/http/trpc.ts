import type { FastifyPluginAsync } from 'fastify';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { ContextFactory } from '../context.js';
import { appRouter, retryAfterHeader, type AppRouter } from '@escape-room/api';
import { logProcedureError } from './error-handling.js';

export const trpcApi: FastifyPluginAsync<{ makeContext: ContextFactory }> = async (app, { makeContext }) => {
  const options: FastifyTRPCPluginOptions<AppRouter> = {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req }) => makeContext(req),
      responseMeta: ({ errors }) => ({ headers: retryAfterHeader(errors) }),
      onError: logProcedureError,
    },
  };
  await app.register(fastifyTRPCPlugin, options);
};
