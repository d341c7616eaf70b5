import type { FastifyPluginAsync } from 'fastify';

export interface HealthOptions {
  /** Resolves when the database answers a trivial query. */
  pingDatabase: () => Promise<void>;
}

export const health: FastifyPluginAsync<HealthOptions> = async (app, { pingDatabase }) => {
  app.get('/healthz', async (request, reply) => {
    try {
      await pingDatabase();
      return { status: 'ok', database: 'reachable' };
    } catch (error) {
      request.log.error({ err: error }, 'database ping failed');
      return reply.status(503).send({ status: 'unavailable', database: 'unreachable' });
    }
  });
};
