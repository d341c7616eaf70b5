// A webhook endpoint on loopback for the unit tests, the end-to-end tests and the benchmark:
// one receiver, so all three observe deliveries the same way.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, as it arrived. */
export interface ReceivedRequest {
  /** 0-based, in order of arrival. */
  index: number;
  method: string;
  path: string;
  /** Lower-cased names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  /** The body exactly as sent: signatures are computed over these bytes, not over a re-serialised object. */
  rawBody: string;
  /** `webhook-id`: the event id, what receivers deduplicate on. */
  webhookId: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any;
  /** Date.now() once the whole body was in: the same clock the server stamps created_at and attempted_at with. */
  arrivedAt: number;
  /** The status this receiver answered with; null while it has not answered (or never will). */
  answeredWith: number | null;
}

/** How the receiver answers one request. A promise that settles later keeps the sender waiting that long. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}
export type Script = (request: ReceivedRequest) => Reply | Promise<Reply>;

export const ok: Script = () => ({ status: 200, body: 'ok' });

/** Answers the n-th request with the n-th reply; the last reply repeats. */
export const inTurn =
  (replies: readonly Reply[]): Script =>
  ({ index }) =>
    replies[Math.min(index, replies.length - 1)]!;

/** A promise with its resolver outside, for a test to decide when a receiver answers. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

interface Waiter {
  matches: (request: ReceivedRequest) => boolean;
  resolve: (request: ReceivedRequest) => void;
}

export interface Receiver {
  /** Where to point a webhook: http://127.0.0.1:<port>/hook. */
  url: string;
  port: number;
  /** Every request so far, in order of arrival. */
  requests: ReceivedRequest[];
  /** Replaces how the receiver answers from now on (requests already waiting keep their answer). */
  answer(script: Script): void;
  /**
   * The first request, past or future, that `matches`; rejects naming `what` after `timeoutMs`,
   * so a missing delivery fails the test with a reason instead of hanging it.
   */
  next(what: string, matches: (request: ReceivedRequest) => boolean, timeoutMs?: number): Promise<ReceivedRequest>;
  /** The `count`-th request (1-based) that `matches`, past or future. */
  nth(count: number, what: string, matches?: (request: ReceivedRequest) => boolean, timeoutMs?: number): Promise<ReceivedRequest>;
  /** Stops listening and drops every connection, requests left hanging included. */
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback standing in for a webhook endpoint: it records each request
 * with its raw body, headers and arrival time, answers as its script says (at once, later, or
 * never), and lets a test wait for a given request instead of sleeping.
 */
export async function startReceiver(script: Script = ok): Promise<Receiver> {
  let answerWith = script;
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<Waiter>();

  const onRequest = (message: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    // Closed before an answer: the sender gave up (a timeout) or died (SIGKILL).
    let gone = false;
    response.on('close', () => (gone = true));
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(message.headers).map(([name, value]) => [name, Array.isArray(value) ? value.at(-1)! : value ?? '']));
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        json = undefined;
      }
      const request: ReceivedRequest = {
        index: requests.length,
        method: message.method ?? '',
        path: message.url ?? '',
        headers,
        rawBody,
        webhookId: headers['webhook-id'] ?? '',
        json,
        arrivedAt: Date.now(),
        answeredWith: null,
      };
      requests.push(request);
      for (const waiter of waiters) {
        if (waiter.matches(request)) {
          waiters.delete(waiter);
          waiter.resolve(request);
        }
      }
      void Promise.resolve(answerWith(request)).then((reply) => {
        if (gone) return;
        request.answeredWith = reply.status;
        response.writeHead(reply.status, reply.headers).end(reply.body ?? '');
      });
    });
  };

  const server = createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const next: Receiver['next'] = (what, matches, timeoutMs = 20_000) => {
    const found = requests.find(matches);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`the receiver got no ${what} within ${timeoutMs} ms (it got ${requests.length} requests)`));
      }, timeoutMs);
      const waiter: Waiter = {
        matches,
        resolve: (request) => {
          clearTimeout(timer);
          resolve(request);
        },
      };
      waiters.add(waiter);
    });
  };

  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    answer: (script) => (answerWith = script),
    next,
    nth(count, what, matches = () => true, timeoutMs) {
      let seen = 0;
      return next(`${what} (number ${count})`, (request) => matches(request) && ++seen === count, timeoutMs);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
