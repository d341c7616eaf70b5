// The API of the booking platform, transport-independent: the tRPC setup, the routers whose
// procedures carry their REST meta, the one error mapping, and the OpenAPI document built from
// them. apps/server hosts it; the SDK imports the router's type.
export { appRouter, type AppRouter, type RouterInputs, type RouterOutputs } from './root.js';
export type { Context, Meta } from './trpc.js';
export { INTERNAL_MESSAGE, codeForStatus, errorBody, knownFailure, statusFor, toErrorBody, trpcCodeFor } from './errors.js';
export { RateLimitedError, retryAfterHeader, type Budget } from './budget.js';
export { REST_METHODS, operations, procedureMeta, restMethodsAt, type Operation, type RestMethod } from './procedure-meta.js';
export { outputMismatch } from './output-trust.js';
export { REST_PREFIX, buildOpenApiDocument } from './openapi.js';
export { calendarFile, routePattern } from './calendar.js';
