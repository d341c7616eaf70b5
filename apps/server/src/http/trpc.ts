import { TRPCError, getErrorShape, transformTRPCResponse } from '@trpc/server';
import { fastifyRequestHandler } from '@trpc/server/adapters/fastify';
import { getHTTPStatusCode } from '@trpc/server/http';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { appRouter, operations, retryAfterHeader, type Context, type Operation } from '@escape-room/api';
import type { ContextFactory } from '../context.js';
import { callOperation, type CallOptions, type Outcome } from './procedure-call.js';
import { logProcedureError } from './error-handling.js';

export const TRPC_PREFIX = '/trpc';

/** The HTTP method each kind of procedure is called with (tRPC's wire protocol). */
const METHOD_OF = { query: 'GET', mutation: 'POST' } as const;

type Inputs = Record<number, unknown>;

/**
 * A call's success as tRPC's protocol writes it (with no data transformer): `{"result":{}}` when
 * there is no data, as JSON.stringify leaves an undefined property out. Serialised with the rest
 * of the answer, in one JSON.stringify: a template around the data's JSON was a string of strings
 * that Node flattened into a second copy of a 2.7 MB answer before writing it.
 */
const success = (data: unknown) => ({ result: { data } });

/**
 * A call's inputs, as tRPC's HTTP protocol sends them: JSON in the `input` query parameter (GET)
 * or the body (POST); a batch sends one object keyed by the calls' indexes. Read once, on the
 * first call that asks, and a malformed one fails each call as BAD_REQUEST, as tRPC's own does.
 */
function inputReader(text: string | undefined, isBatch: boolean): () => Promise<Inputs> {
  let read: Promise<Inputs> | undefined;
  const parse = async (): Promise<Inputs> => {
    let inputs: unknown;
    try {
      inputs = text ? JSON.parse(text) : undefined;
    } catch (cause) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: (cause as Error).message, cause });
    }
    if (inputs === undefined) return {};
    if (!isBatch) return { 0: inputs };
    if (inputs === null || typeof inputs !== 'object') {
      throw new TRPCError({ code: 'BAD_REQUEST', message: '"input" needs to be an object when doing a batch call' });
    }
    return inputs as Inputs;
  };
  return () => (read ??= parse());
}

interface Call {
  path: string;
  operation: Operation | undefined;
  outcome: Outcome;
  input: () => unknown;
}

/**
 * Serves tRPC's HTTP protocol (queries over GET, mutations over POST, batches of either) straight
 * from Fastify's request: no fetch Request or Response per call, which tRPC's own Fastify adapter
 * builds and the profile showed as a third of a cheap read's time. Everything else about the
 * answer — error shapes, statuses, batching — uses tRPC's own functions, and what this path does
 * not handle (HEAD, other methods, streamed batches, batches that mix queries and mutations) goes
 * to tRPC's own adapter, so clients see one protocol.
 */
export const trpcApi: FastifyPluginAsync<{ makeContext: ContextFactory; callOptions: CallOptions }> = async (app, { makeContext, callOptions }) => {
  // tRPC reads its inputs itself, lazily: the body stays text until a call asks.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const config = appRouter._def._config;
  // The contract has no data transformer (one wire format for REST and tRPC), so a call's data
  // goes on the wire as it is; were one ever configured, the direct path below would be wrong.
  const probe = {};
  if (config.transformer.output.serialize(probe) !== probe) throw new Error('tRPC is served without a data transformer');
  const responseMeta = ({ errors }: { errors: TRPCError[] }) => ({ headers: retryAfterHeader(errors) });

  const byTRPC = (request: FastifyRequest, reply: FastifyReply, path: string) =>
    fastifyRequestHandler({
      router: appRouter,
      createContext: ({ req }: { req: FastifyRequest }) => makeContext(req),
      responseMeta,
      onError: logProcedureError,
      req: request,
      res: reply,
      path,
    });

  app.all<{ Params: { path: string }; Querystring: Record<string, string | string[] | undefined> }>(`${TRPC_PREFIX}/:path`, async (request, reply) => {
    const { path } = request.params;
    const { method, query } = request;
    const isBatch = query.batch === '1';
    const paths = isBatch ? path.split(',') : [path];
    const found = paths.map((p) => operations.get(p));
    // Only a batch can mix queries and mutations (tRPC refuses that as a whole request).
    const mixed = isBatch && new Set(found.map((operation) => operation?.type).filter(Boolean)).size > 1;
    const simple = (method === 'GET' || method === 'POST') && request.headers['trpc-accept'] === undefined && !mixed;
    if (!simple) return byTRPC(request, reply, path);

    const given = method === 'GET' ? query.input : (request.body as string | undefined);
    const readInputs = inputReader(Array.isArray(given) ? given[0] : given, isBatch);
    const ctx: Context = makeContext(request);
    let allow: string | undefined;
    const calls = await Promise.all(
      paths.map(async (callPath, index): Promise<Call> => {
        const operation = found[index];
        const input = () => undefined;
        if (!operation) {
          const error = new TRPCError({ code: 'NOT_FOUND', message: `No procedure found on path "${callPath}"` });
          return { path: callPath, operation, outcome: { ok: false, error }, input };
        }
        if (METHOD_OF[operation.type] !== method) {
          allow = METHOD_OF[operation.type];
          const error = new TRPCError({ code: 'METHOD_NOT_SUPPORTED', message: `Unsupported ${method}-request to ${operation.type} procedure at path "${callPath}"` });
          return { path: callPath, operation, outcome: { ok: false, error }, input };
        }
        let inputs: Inputs | undefined;
        const getRawInput = async () => (inputs ??= await readInputs())[index];
        const outcome = await callOperation(operation, ctx, getRawInput, request, callOptions, index);
        return { path: callPath, operation, outcome, input: () => inputs?.[index] };
      }),
    );

    void reply.header('vary', 'trpc-accept, accept').type('application/json');
    if (calls.every(({ outcome }) => outcome.ok)) {
      // Every call answered: the body tRPC would write, written directly (its wrapper objects
      // and status computation were a tenth of a cheap read's time in the profile).
      const items = calls.map(({ outcome }) => success(outcome.ok ? outcome.data : undefined));
      return reply.send(JSON.stringify(isBatch ? items : items[0]));
    }

    // Aligned with the calls: tRPC reads a call's status from its own error.
    const errors = calls.map(({ outcome }) => (outcome.ok ? undefined : outcome.error));
    const bodies = calls.map(({ path: callPath, operation, outcome, input }) => {
      if (outcome.ok) return { result: { data: outcome.data } };
      const type = operation?.type ?? 'unknown';
      return { error: getErrorShape({ config, ctx, error: outcome.error, input: input(), path: callPath, type }) };
    });
    const untransformed = isBatch ? bodies : bodies[0];
    if (!untransformed) throw new Error('a tRPC request names at least one procedure');
    void reply.status(getHTTPStatusCode(untransformed, errors as TRPCError[])).headers(retryAfterHeader(errors.filter((error) => error !== undefined)));
    if (allow) void reply.header('allow', allow);
    return reply.send(JSON.stringify(transformTRPCResponse(config, untransformed)));
  });
};
