import { TRPCError, callTRPCProcedure, getTRPCErrorFromUnknown } from '@trpc/server';
import type { FastifyRequest } from 'fastify';
import { appRouter, outputMismatch, type Context, type Operation } from '@escape-room/api';
import { logProcedureError } from './error-handling.js';

export type Outcome = { ok: true; data: unknown } | { ok: false; error: TRPCError };

/** How a server calls operations: CHECK_OUTPUTS, once from its config. */
export interface CallOptions {
  /** Check the answers tRPC does not parse (trusted outputs) against their schemas: a mismatch is a failure of ours. */
  checkOutputs: boolean;
}

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
  options: CallOptions,
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
    if (options.checkOutputs && operation.outputTrusted) {
      const mismatch = outputMismatch(operation.output, data);
      if (mismatch !== undefined) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Output validation failed', cause: new Error(mismatch) });
    }
    return { ok: true, data };
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    logProcedureError({ error, req: request, path: operation.path });
    return { ok: false, error };
  }
}
