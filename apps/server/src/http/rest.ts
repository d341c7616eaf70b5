import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { acceptsRequestBody } from 'trpc-to-openapi';
import type { ErrorBody } from '@escape-room/booking-core/contract';
import { buildOpenApiDocument, errorBody, operations, restMethodsAt, retryAfterHeader, routePattern, statusFor, toErrorBody, type Operation } from '@escape-room/api';
import type { ContextFactory } from '../context.js';
import { useContractJsonParser } from './json-body.js';
import { callOperation, type CallOptions } from './procedure-call.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A REST call's input, as the OpenAPI document describes it: the path's parameters over the
 * query string (GET, DELETE) or the JSON body (POST, PUT, PATCH). An empty query value reads as
 * absent, as an HTML form's empty field means. Strings are not coerced here: the contract's
 * query and path schemas coerce where text arrives (RoomIdParam and the like), so REST and tRPC
 * validate with one and the same schema.
 */
function restInput(request: FastifyRequest, inBody: boolean): unknown {
  const params = request.params as Record<string, string>;
  if (inBody) {
    // A body that is no object (an array, a string) has none of the fields: the refusal lists them.
    return isPlainObject(request.body) ? { ...request.body, ...params } : { ...params };
  }
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request.query as Record<string, unknown>)) if (value) input[key] = value;
  return Object.assign(input, params);
}

/** One REST operation as a Fastify route of its own, generated from its procedure. */
function restRoute(operation: Operation, makeContext: ContextFactory, callOptions: CallOptions) {
  const openapi = operation.meta.openapi;
  if (!openapi) return undefined;
  const inBody = acceptsRequestBody(openapi.method);
  const successStatus = operation.meta.successStatus ?? 200;
  return {
    method: openapi.method,
    url: routePattern(openapi.path),
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      // `/rooms//schedule` names no room: Fastify's router matches an empty parameter, the document does not.
      if (Object.values(request.params as Record<string, string>).includes('')) {
        reply.callNotFound();
        return reply;
      }
      const getRawInput = async () => (operation.takesInput ? restInput(request, inBody) : undefined);
      const outcome = await callOperation(operation, makeContext(request), getRawInput, request, callOptions);
      if (outcome.ok) return reply.status(successStatus).type('application/json; charset=utf-8').send(JSON.stringify(outcome.data));
      const body = toErrorBody(outcome.error);
      return reply.status(statusFor(body.code)).headers(retryAfterHeader([outcome.error])).send(body);
    },
  };
}

/**
 * A path some operation serves, called with a method none answers there, is 405 with the methods
 * that do (RFC 9110); anything else under the prefix is 404 pointing at the document.
 */
function notServed(method: string, url: string): { status: number; allow?: string; body: ErrorBody } {
  const allowed: string[] = method === 'HEAD' ? [] : restMethodsAt(url);
  if (allowed.length === 0 || allowed.includes(method)) {
    return { status: 404, body: errorBody('NOT_FOUND', 'No operation has this method and path; see /api/v1/openapi.json') };
  }
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- split() returns at least one element
  const path = url.split('?', 1)[0]!.slice(0, 200);
  const allow = allowed.join(', ');
  const body = errorBody('METHOD_NOT_ALLOWED', `${method} is not served at ${path}; it answers ${allow}`);
  return { status: statusFor(body.code), allow, body };
}

/**
 * The REST face: every procedure with REST meta becomes a Fastify route of its own (Fastify's
 * router matches, no per-call path matching of ours), called like its tRPC face.
 */
export const restApi: FastifyPluginAsync<{ makeContext: ContextFactory; callOptions: CallOptions }> = async (app, { makeContext, callOptions }) => {
  useContractJsonParser(app);
  // Bodies are JSON or nothing: Fastify's plain-text parser would let `text/plain` through to the
  // operations, where it must be 415.
  app.removeContentTypeParser('text/plain');

  const document = buildOpenApiDocument();
  app.get('/openapi.json', async () => document);

  for (const operation of operations.values()) {
    const route = restRoute(operation, makeContext, callOptions);
    if (route) app.route(route);
  }

  app.setNotFoundHandler((request, reply) => {
    const url = request.url.startsWith(`${app.prefix}/`) ? request.url.slice(app.prefix.length) : request.url;
    const { status, allow, body } = notServed(request.method, url);
    if (allow) void reply.header('allow', allow);
    return reply.status(status).send(body);
  });
};
