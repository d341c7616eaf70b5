import { callTRPCProcedure, getTRPCErrorFromUnknown, type TRPCError } from '@trpc/server';
import type { FastifyRequest } from 'fastify';
import { appRouter, type Context, type Operation } from '@escape-room/api';
import { logProcedureError } from './error-handling.js';

export type Outcome = { ok: true; data: unknown } | { ok: false; error: TRPCError };

/**
 * Runs one operation through tRPC's own procedure call (middlewares, input and output schemas,
 * error formatter), without any of an HTTP adapter's per-call plumbing: both faces of the API
 * (tRPC and REST) call it with the input they read from the request. Failures of ours are logged.
 */
export async function callOperation(
  operation: Operation,
  ctx: Context,
  getRawInput: () => Promise<unknown>,
  request: FastifyRequest,
  batchIndex = 0,
): Promise<Outcome> {
  try {
    const data: unknown = await callTRPCProcedure({
      router: appRouter,
      path: operation.path,
      type: operation.type,
      ctx,
      getRawInput,
      signal: undefined,
      batchIndex,
    });
    return { ok: true, data };
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    logProcedureError({ error, req: request, path: operation.path });
    return { ok: false, error };
  }
}
