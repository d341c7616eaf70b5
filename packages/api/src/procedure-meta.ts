import { getPathRegExp, normalizePath } from 'trpc-to-openapi';
import type { Meta } from './trpc.js';
import { calendarFile } from './calendar.js';
import { appRouter } from './root.js';

/** Each procedure's meta by its dotted path, e.g. `bookings.hold`. */
export const procedureMeta: ReadonlyMap<string, Meta> = new Map(
  Object.entries(appRouter._def.procedures).map(([path, procedure]) => [
    path,
    (procedure as unknown as { _def: { meta?: Meta } })._def.meta ?? {},
  ]),
);

export type RestMethod = NonNullable<Meta['openapi']>['method'];

// The calendar file is a REST operation too, though no procedure serves it.
const restOperations = [...procedureMeta.values(), calendarFile.meta].flatMap(({ openapi }) => (openapi ? [openapi] : []));

/** Every method some REST operation uses. */
export const REST_METHODS: readonly RestMethod[] = [...new Set(restOperations.map((operation) => operation.method))];

// URLs are read with the REST adapter's own parsing, normalisation and path patterns, so this
// table and the adapter agree on which operations a URL names.
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
