import type { TRPCError } from '@trpc/server';
import type { FastifyRequest } from 'fastify';

/** Refusals are the API working as designed; only failures of our own deserve an error log. */
export function logProcedureError({ error, req, path }: { error: TRPCError; req: unknown; path?: string }): void {
  if (error.code !== 'INTERNAL_SERVER_ERROR') return;
  (req as FastifyRequest).log.error({ err: error.cause ?? error, procedure: path }, 'procedure failed');
}
