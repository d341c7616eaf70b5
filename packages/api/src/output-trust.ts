import { isDeepStrictEqual } from 'node:util';
import type { AnyRouter } from '@trpc/server';
import { z } from 'zod';
import type { Meta } from './trpc.js';

// Every procedure declares its output schema: it is the contract (the OpenAPI document, the SDK's
// types). tRPC also parses every answer against it before sending, which on the sessions grid cost
// as much CPU as serialising the answer (12% of the server's time in the benchmark's profile at 100
// sessions) and built a second copy of the whole answer (about 10,000 objects for 1,000 rooms' day).
//
// An operation whose service builds its output from typed code may say `trustOutput` in its meta:
// tRPC then does not parse its answers. What keeps the contract honest instead is `outputMismatch`:
// a server started with CHECK_OUTPUTS (every server the end-to-end suites start) checks each answer
// of those operations against the schema, and answers 500 if it is not exactly what the schema
// describes. Exactly: an answer that only parses (with a field the schema would strip, or one it
// would default or coerce) fails too, since without the parse that field would reach the wire.

interface ProcedureInternals {
  _def: { meta?: Meta; middlewares: { _type?: string }[] };
}

/**
 * Takes tRPC's output parsing out of the call chain of every procedure whose meta says
 * `trustOutput`. tRPC marks that middleware with `_type: 'output'`; if a release stops doing so,
 * this throws when the module loads rather than silently keep (or lose) the parse.
 */
export function skipTrustedOutputParsing<R extends AnyRouter>(router: R): R {
  for (const [path, procedure] of Object.entries(router._def.procedures as Record<string, unknown>)) {
    const def = (procedure as ProcedureInternals)._def;
    if (def.meta?.trustOutput !== true) continue;
    const outputs = def.middlewares.flatMap((middleware, index) => (middleware._type === 'output' ? [index] : []));
    if (outputs.length !== 1) throw new Error(`${path}: expected one output-parsing middleware in tRPC's chain, found ${outputs.length}`);
    def.middlewares.splice(outputs[0] ?? -1, 1);
  }
  return router;
}

/** Why `data` is not exactly what `schema` describes, or undefined when it is. */
export function outputMismatch(schema: z.ZodType, data: unknown): string | undefined {
  const parsed = schema.safeParse(data);
  if (!parsed.success) return z.prettifyError(parsed.error);
  if (!isDeepStrictEqual(parsed.data, data)) return 'it parses, but not to itself: a field the schema strips, defaults or coerces';
  return undefined;
}
