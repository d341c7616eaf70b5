import type { FastifyPluginAsync } from 'fastify';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { ContextFactory } from '../trpc/context.js';
import { appRouter, type AppRouter } from '../trpc/router.js';
import { logProcedureError } from './procedure-errors.js';
import { retryAfterHeader } from '../rate-limit/budget.js';

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
