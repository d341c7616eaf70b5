import { TRPCError, initTRPC } from '@trpc/server';
import type { z } from 'zod';
import type { Actor, ErrorCode } from '@escape-room/booking-core/contract';
import { BookingError } from '@escape-room/booking-core/domain';
import type { BookingApi } from '@escape-room/booking-core/api';
import { statusFor, toErrorBody, trpcCodeFor } from './errors.js';
import type { Budget } from './budget.js';

// 1. Context ------------------------------------------------------------------------------
// Kept narrow on purpose: the SDK's types are inferred from the router, so nothing from
// Fastify or the ORM may appear here.
export interface Context {
  service: BookingApi;
  /** Resolves with who is acting if the caller presented a live admin key; throws UNAUTHORIZED or FORBIDDEN otherwise. */
  authorizeAdmin(): Promise<Actor>;
  /** The Idempotency-Key header, as sent (validated by the procedures that use it). */
  idempotencyKey: string | undefined;
  /** Spends from the caller's rate-limit budget; throws RATE_LIMITED once it is spent. */
  spend(budget: Budget): Promise<void>;
}

/**
 * What a procedure says about its REST face. `openapi` is the subset of trpc-to-openapi's
 * meta we use, restated here (and checked against it in rest-meta.ts) so the router type,
 * which the SDK ships, does not depend on the adapter's types.
 */
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- only a type alias meets the adapter's index signature
export type Meta = {
  openapi?: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    path: `/${string}`;
    summary?: string;
    description?: string;
    tags?: string[];
    protect?: boolean;
    errorResponses?: Record<number, string>;
    requestHeaders?: z.ZodObject;
  };
  /** The contract's error codes this operation may answer; documented in OpenAPI. */
  errors?: ErrorCode[];
  /** The REST status of a success, when it is not 200 (a hold is 201 Created). */
  successStatus?: number;
  /** The rate-limit budget a call spends from. */
  budget?: Budget;
  /**
   * The service builds the output from typed code: tRPC does not parse it again per call, and
   * servers with CHECK_OUTPUTS (the end-to-end suites') check it instead (see output-trust.ts).
   */
  trustOutput?: boolean;
};

// 2. Initialisation -------------------------------------------------------------------------
const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    // Never put stack traces in error shapes, whatever NODE_ENV says.
    isDev: false,
    errorFormatter({ shape, error }) {
      const body = toErrorBody(error);
      return {
        message: body.message,
        code: shape.code,
        data: { ...body, httpStatus: statusFor(body.code), path: shape.data.path },
      };
    },
  });

export const router = t.router;

// 3. Procedures -------------------------------------------------------------------------------
/**
 * Every call first spends from its caller's budget, before its input is even parsed, so REST
 * and tRPC share one budget and each call of a tRPC batch counts. Domain refusals (a spent
 * budget among them) become tRPC errors with the status their code carries in the contract.
 * One middleware, not two: each level of tRPC's middleware chain copies the call's options
 * twice, which the benchmark's profile showed as a tenth of a cheap read's CPU time.
 */
const guarded = t.middleware(async ({ ctx, meta, next }) => {
  try {
    await ctx.spend(meta?.budget ?? 'read');
    const result = await next();
    if (!result.ok && result.error.cause instanceof BookingError) throw result.error.cause;
    return result;
  } catch (error) {
    if (!(error instanceof BookingError)) throw error;
    throw new TRPCError({ code: trpcCodeFor(error.code), message: error.message, cause: error });
  }
});

export const publicProcedure = t.procedure.use(guarded);

/** Admin operations know which key acts: changes they make are recorded under it. */
export const adminProcedure = publicProcedure.use(async ({ ctx, next }) => next({ ctx: { actor: await ctx.authorizeAdmin() } }));
