import type { FastifyPluginAsync, FastifyRequest, onRequestHookHandler, onSendAsyncHookHandler } from 'fastify';
import type { TRPCError } from '@trpc/server';
import { fastifyTRPCOpenApiPlugin } from 'trpc-to-openapi';
import type { ErrorBody } from '@escape-room/booking-core/contract';
import { BODY_METHODS, appRouter, buildOpenApiDocument, errorBody, procedureMeta, restMethodsAt, retryAfterHeader, statusFor } from '@escape-room/api';
import type { ContextFactory } from '../context.js';
import { useContractJsonParser } from './json-body.js';
import { logProcedureError } from './error-handling.js';

/**
 * `curl -X PUT .../confirm` sends neither a body nor a Content-Type. The adapter would answer
 * 415, so a request with no body at all is treated as an empty JSON one.
 */
const bodylessIsJson: onRequestHookHandler = (request, _reply, done) => {
  const { headers } = request;
  const noBody = headers['transfer-encoding'] === undefined && (headers['content-length'] ?? '0') === '0';
  if (BODY_METHODS.has(request.method) && headers['content-type'] === undefined && noBody) {
    headers['content-type'] = 'application/json';
  }
  done();
};

/**
 * A path some operation serves, called with a method none answers there, is 405 with the methods
 * that do (RFC 9110), where the adapter says 404. Decided only once the adapter found no
 * operation, so answered requests never pay for the path matching. HEAD is left to the adapter.
 */
function methodNotAllowed(method: string, url: string): { allow: string; body: ErrorBody } | undefined {
  if (method === 'HEAD') return undefined;
  const allowed: string[] = restMethodsAt(url);
  if (allowed.length === 0 || allowed.includes(method)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- split() returns at least one element
  const path = url.split('?', 1)[0]!.slice(0, 200);
  const allow = allowed.join(', ');
  return { allow, body: errorBody('METHOD_NOT_ALLOWED', `${method} is not served at ${path}; it answers ${allow}`) };
}

/**
 * The adapter sends tRPC's error shape with tRPC's code; REST callers get the contract's
 * body instead: `{ code, message, issues? }`, with the domain code the formatter put in `data`.
 */
const contractErrorBody =
  (prefix: string): onSendAsyncHookHandler =>
  async (request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
    const { data } = JSON.parse(payload) as { data?: Partial<ErrorBody> };
    if (!data?.code) return payload;
    // By now the adapter has rewritten the request's URL without the prefix (it does so to route).
    const url = request.url.startsWith(`${prefix}/`) ? request.url.slice(prefix.length) : request.url;
    const wrongMethod = data.code === 'NOT_FOUND' ? methodNotAllowed(request.method, url) : undefined;
    if (wrongMethod) {
      void reply.status(statusFor(wrongMethod.body.code)).header('allow', wrongMethod.allow);
      return JSON.stringify(wrongMethod.body);
    }
    return JSON.stringify(errorBody(data.code, data.message ?? '', data.issues));
  };

export const restApi: FastifyPluginAsync<{ makeContext: ContextFactory }> = async (app, { makeContext }) => {
  useContractJsonParser(app);
  app.addHook('onRequest', bodylessIsJson);
  app.addHook('onSend', contractErrorBody(app.prefix));

  const document = buildOpenApiDocument();
  app.get('/openapi.json', async () => document);

  await app.register(fastifyTRPCOpenApiPlugin, {
    router: appRouter,
    createContext: ({ req }: { req: FastifyRequest }) => makeContext(req),
    responseMeta: ({ paths, errors }: { paths?: readonly string[]; errors: TRPCError[] }) => {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- paths has exactly one element here
      const status = errors.length === 0 && paths?.length === 1 ? procedureMeta.get(paths[0]!)?.successStatus : undefined;
      return status ? { status } : { headers: retryAfterHeader(errors) };
    },
    onError: logProcedureError,
  });
};
