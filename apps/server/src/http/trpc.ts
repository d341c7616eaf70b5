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

/** The request headers a tRPC answer depends on (its protocol's `Vary`). */
const TRPC_VARY = 'trpc-accept, accept';

/**
 * tRPC's media type, with the charset Fastify would append to it: given whole, Fastify has
 * nothing to parse and rebuild on each answer.
 */
const JSON_UTF8 = 'application/json; charset=utf-8';

type Inputs = Record<number, unknown>;
/** What a tRPC route reads of its request's query string: `input` and `batch`. */
interface TrpcQuery {
  Querystring: Record<string, string | string[] | undefined>;
}
type TrpcRequest = FastifyRequest<TrpcQuery>;

/**
 * A call's success as tRPC's protocol writes it (with no data transformer): `{"result":{}}` when
 * there is no data, as JSON.stringify leaves an undefined property out. Serialised with the rest
 * of the answer, in one JSON.stringify: a template around the data's JSON was a string of strings
 * that Node flattened into a second copy of a 2.7 MB answer before writing it.
 */
const success = (data: unknown) => ({ result: { data } });

/**
 * A request's inputs, as tRPC's HTTP protocol sends them: JSON in the `input` query parameter
 * (GET) or the body (POST); a batch sends one object keyed by the calls' indexes. Read when the
 * first call asks (after its budget is spent), once; a malformed one fails each call that asks
 * as BAD_REQUEST, as tRPC's own adapter does.
 */
function requestInputs(text: string | undefined, isBatch: boolean) {
  let inputs: Inputs | undefined;
  const parse = (): Inputs => {
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch (cause) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: (cause as Error).message, cause });
    }
    if (parsed === undefined) return {};
    if (!isBatch) return { 0: parsed };
    if (parsed === null || typeof parsed !== 'object') {
      throw new TRPCError({ code: 'BAD_REQUEST', message: '"input" needs to be an object when doing a batch call' });
    }
    return parsed as Inputs;
  };
  return {
    /** Call `index`'s input, for tRPC's getRawInput. */
    read: (index: number) => (inputs ??= parse())[index],
    /** What call `index` was given, if the inputs were read (an error's shape shows it). */
    given: (index: number) => inputs?.[index],
  };
}

interface Call {
  path: string;
  operation: Operation | undefined;
  outcome: Outcome;
  index: number;
}

/** The procedure a call may run, or why it is refused first: no such procedure, or the wrong method for its kind. */
function callable(operation: Operation | undefined, path: string, method: string): { ok: true; operation: Operation } | { ok: false; error: TRPCError } {
  if (!operation) return { ok: false, error: new TRPCError({ code: 'NOT_FOUND', message: `No procedure found on path "${path}"` }) };
  if (METHOD_OF[operation.type] === method) return { ok: true, operation };
  const message = `Unsupported ${method}-request to ${operation.type} procedure at path "${path}"`;
  return { ok: false, error: new TRPCError({ code: 'METHOD_NOT_SUPPORTED', message }) };
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

  /** A tRPC answer's body, with the protocol's headers. */
  const sendJson = (reply: FastifyReply, body: unknown) => {
    // Added to what the host varies on already (CORS's `Origin`), which a shared cache needs too.
    const vary = reply.getHeader('vary');
    return reply
      .header('vary', vary ? `${String(vary)}, ${TRPC_VARY}` : TRPC_VARY)
      .type(JSON_UTF8)
      .send(JSON.stringify(body));
  };

  /** Writes tRPC's answer to the calls of one request: its body, status and protocol headers. */
  const answer = (reply: FastifyReply, ctx: Context, calls: Call[], isBatch: boolean, given: (index: number) => unknown) => {
    if (calls.every(({ outcome }) => outcome.ok)) {
      // Every call answered: the body tRPC would write, written directly (its wrapper objects
      // and status computation were a tenth of a cheap read's time in the profile).
      const items = calls.map(({ outcome }) => success(outcome.ok ? outcome.data : undefined));
      return sendJson(reply, isBatch ? items : items[0]);
    }

    // Aligned with the calls: tRPC reads a call's status from its own error.
    const errors = calls.map(({ outcome }) => (outcome.ok ? undefined : outcome.error));
    const bodies = calls.map(({ path, operation, outcome, index }) => {
      if (outcome.ok) return success(outcome.data);
      const type = operation?.type ?? 'unknown';
      return { error: getErrorShape({ config, ctx, error: outcome.error, input: given(index), path, type }) };
    });
    const untransformed = isBatch ? bodies : bodies[0];
    if (!untransformed) throw new Error('a tRPC request names at least one procedure');
    void reply.status(getHTTPStatusCode(untransformed, errors as TRPCError[])).headers(retryAfterHeader(errors.filter((error) => error !== undefined)));
    // A batch names procedures of one kind (a mixed one went to tRPC's adapter): one method is allowed.
    const refused = calls.find(({ outcome }) => !outcome.ok && outcome.error.code === 'METHOD_NOT_SUPPORTED')?.operation;
    if (refused) void reply.header('allow', METHOD_OF[refused.type]);
    return sendJson(reply, transformTRPCResponse(config, untransformed));
  };

  /** Serves a request to `path`; `named` is the procedure the path names, when its route already knows it. */
  const serve = async (request: TrpcRequest, reply: FastifyReply, path: string, named?: Operation) => {
    const { method, query } = request;
    if ((method !== 'GET' && method !== 'POST') || request.headers['trpc-accept'] !== undefined) return byTRPC(request, reply, path);
    const isBatch = query.batch === '1';
    const text = method === 'GET' ? query.input : (request.body as string | undefined);
    const batch = isBatch && path.includes(',') ? path.split(',').map((callPath) => ({ callPath, operation: operations.get(callPath) })) : undefined;
    // tRPC refuses a batch that mixes queries and mutations as a whole: its adapter answers that.
    if (batch && new Set(batch.map(({ operation }) => operation?.type).filter(Boolean)).size > 1) return byTRPC(request, reply, path);

    const inputs = requestInputs(Array.isArray(text) ? text[0] : text, isBatch);
    const ctx: Context = makeContext(request);
    const run = (operation: Operation | undefined, callPath: string, index: number): Outcome | Promise<Outcome> => {
      const checked = callable(operation, callPath, method);
      return checked.ok ? callOperation(checked.operation, ctx, async () => inputs.read(index), request, callOptions, index) : checked;
    };
    if (!batch) {
      // One call, as the SDK's batch link sends most of them: awaited alone, with nothing to gather.
      const operation = named ?? operations.get(path);
      return answer(reply, ctx, [{ path, operation, outcome: await run(operation, path, 0), index: 0 }], isBatch, inputs.given);
    }
    const calls = await Promise.all(
      batch.map(async ({ callPath, operation }, index): Promise<Call> => ({ path: callPath, operation, outcome: await run(operation, callPath, index), index })),
    );
    return answer(reply, ctx, calls, isBatch, inputs.given);
  };

  // Each procedure's own path is a static route (Fastify's router matches it without building a
  // parameter); batches (`/trpc/a,b`) and unknown names take the parametric one.
  for (const operation of operations.values()) {
    app.all<TrpcQuery>(`${TRPC_PREFIX}/${operation.path}`, (request, reply) => serve(request, reply, operation.path, operation));
  }
  app.all<TrpcQuery & { Params: { path: string } }>(`${TRPC_PREFIX}/:path`, (request, reply) => serve(request, reply, request.params.path));
};
