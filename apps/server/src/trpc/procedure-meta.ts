import type { Meta } from './init.js';
import { appRouter } from './router.js';

/** Each procedure's meta by its dotted path, e.g. `bookings.hold`. */
export const procedureMeta: ReadonlyMap<string, Meta> = new Map(
  Object.entries(appRouter._def.procedures).map(([path, procedure]) => [
    path,
    (procedure as unknown as { _def: { meta?: Meta } })._def.meta ?? {},
  ]),
);

export type RestMethod = NonNullable<Meta['openapi']>['method'];

const restOperations = [...procedureMeta.values()].flatMap(({ openapi }) => (openapi ? [openapi] : []));

/** Every method some REST operation uses. */
export const REST_METHODS: readonly RestMethod[] = [...new Set(restOperations.map((operation) => operation.method))];
