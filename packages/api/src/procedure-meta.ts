import type { AnyProcedure } from '@trpc/server';
import { getPathRegExp, normalizePath } from 'trpc-to-openapi';
import type { z } from 'zod';
import type { Meta } from './trpc.js';
import { calendarFile } from './calendar.js';
import { appRouter } from './root.js';

export type RestMethod = NonNullable<Meta['openapi']>['method'];

/** One operation of the API, as the server hosts it on both faces (tRPC and REST). */
export interface Operation {
  /** Its dotted tRPC path, e.g. `bookings.hold`. */
  path: string;
  type: 'query' | 'mutation';
  meta: Meta;
  /** False for `z.void()` inputs: such an operation is called with no input at all. */
  takesInput: boolean;
  /** The output schema (every procedure has one; pitfall 1). */
  output: z.ZodType;
  /** tRPC does not parse this operation's output (meta `trustOutput`, see output-trust.ts). */
  outputTrusted: boolean;
}

interface ProcedureDef {
  type: string;
  meta?: Meta;
  inputs: { _zod?: { def: { type: string } } }[];
  output?: z.ZodType;
}

function operationOf(path: string, procedure: AnyProcedure): Operation {
  const def = procedure._def as unknown as ProcedureDef;
  if (def.type !== 'query' && def.type !== 'mutation') throw new Error(`${path}: only queries and mutations are served`);
  if (!def.output) throw new Error(`${path} has no output schema`);
  const input = def.inputs[0];
  return {
    path,
    type: def.type,
    meta: def.meta ?? {},
    takesInput: input !== undefined && input._zod?.def.type !== 'void',
    output: def.output,
    outputTrusted: def.meta?.trustOutput === true,
  };
}

/** Every procedure by its dotted path. */
export const operations: ReadonlyMap<string, Operation> = new Map(
  Object.entries(appRouter._def.procedures).map(([path, procedure]) => [path, operationOf(path, procedure as unknown as AnyProcedure)]),
);

/** Each procedure's meta by its dotted path, e.g. `bookings.hold`. */
export const procedureMeta: ReadonlyMap<string, Meta> = new Map([...operations].map(([path, operation]) => [path, operation.meta]));

// The calendar file is a REST operation too, though no procedure serves it.
const restOperations = [...procedureMeta.values(), calendarFile.meta].flatMap(({ openapi }) => (openapi ? [openapi] : []));

/** Every method some REST operation uses. */
export const REST_METHODS: readonly RestMethod[] = [...new Set(restOperations.map((operation) => operation.method))];

// URLs are read with the OpenAPI tooling's own normalisation and path patterns, so this table and
// the document agree on which operations a URL names.
const methodsByPattern = restOperations.map(({ path, method }) => ({ pattern: getPathRegExp(normalizePath(path)), method }));

/** The methods REST operations answer at a request URL below the REST prefix; empty where none does. */
export function restMethodsAt(url: string): RestMethod[] {
  let path: string;
  try {
    path = normalizePath(new URL(`http://127.0.0.1${url}`).pathname);
  } catch {
    return [];
  }
  return [...new Set(methodsByPattern.filter(({ pattern }) => pattern.test(path)).map(({ method }) => method))];
}
