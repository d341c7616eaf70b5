import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Webhook as Signer } from 'standardwebhooks';
import {
  RESPONSE_LOG_BYTES,
  endpointAfter,
  nextStep,
  parseRetryAfter,
  previousSecretSigns,
  type AttemptOutcome,
  type DeliveryPolicy,
} from '../domain/webhook-policy.js';
import * as webhookSql from '../db/webhook-sql.js';
import type { ClaimedRow } from '../db/webhook-sql.js';
import { optionalNumber, sqlRunner } from '../db/sql.js';
import { DEFAULT_ENDPOINT_RULES, type EndpointRules, type ServiceDeps } from './deps.js';
import { addressRefusal, guardedLookup } from './endpoint-guard.js';
import { inSqlTransaction } from './transaction.js';

// Delivering the outbox: claim due deliveries under a lease, POST each signed event to its
// endpoint, record the attempt and what comes next. At least once: a crash after the POST and
// before the record sends the event again once the lease runs out.

/** The fields of the delivery log that take free text have bounds; an error message is cut to this. */
const ERROR_LOG_CHARS = 1000;
const USER_AGENT = 'escape-room-webhooks/1';

export interface DeliveryLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface DeliveryOptions extends DeliveryPolicy {
  log: DeliveryLogger;
}

export interface DispatchOptions extends DeliveryOptions {
  /** Deliveries in flight at once on this instance. */
  concurrency: number;
  /** How often an idle instance looks for deliveries other instances committed, or that fell due. */
  pollMs: number;
}

/**
 * How long a claim keeps its deliveries from other instances: two attempts' worth and a second,
 * so a live instance never loses a delivery it is still sending, and a crashed one's come back soon.
 */
export const leaseMs = (policy: Pick<DeliveryPolicy, 'timeoutMs'>) => 2 * policy.timeoutMs + 1000;

interface Answer {
  statusCode: number | null;
  retryAfter: string | undefined;
  body: string | null;
  error: string | null;
}

/** Standard Webhooks headers: one signature per live secret, so receivers can rotate without a gap. */
function signedHeaders(row: ClaimedRow, now: number): Record<string, string> {
  const secrets = [row.secret];
  if (row.previous_secret && previousSecretSigns(optionalNumber(row.previous_secret_until), now)) secrets.push(row.previous_secret);
  const timestamp = new Date(now);
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': row.event_id,
    'webhook-timestamp': String(Math.floor(now / 1000)),
    'webhook-signature': secrets.map((secret) => new Signer(secret).sign(row.event_id, timestamp, row.payload)).join(' '),
  };
}

/** Keeps what the log can store: the first bytes of an answer, as text without NULs. */
const loggable = (text: string) => text.replaceAll('\u0000', '');

function readAnswer(response: IncomingMessage): Promise<Answer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () =>
      resolve({
        statusCode: response.statusCode ?? null,
        retryAfter: typeof response.headers['retry-after'] === 'string' ? response.headers['retry-after'] : undefined,
        body: size ? loggable(Buffer.concat(chunks).subarray(0, RESPONSE_LOG_BYTES).toString('utf8')) : null,
        error: null,
      });
    response.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      // Enough for the log: the rest is not read (the connection is closed instead).
      if (size >= RESPONSE_LOG_BYTES) {
        response.destroy();
        done();
      }
    });
    response.on('end', done);
    response.on('error', done);
    response.on('aborted', done);
  });
}

class Sender {
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  private readonly lookup;
  constructor(private readonly rules: EndpointRules) {
    this.lookup = guardedLookup(rules);
  }

  /** One POST, bounded by `signal`; any failure to get an HTTP answer is an answer without a status. */
  post(target: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<Answer> {
    const url = new URL(target);
    const refusal = addressRefusal(url, this.rules);
    if (refusal) return Promise.resolve({ statusCode: null, retryAfter: undefined, body: null, error: refusal.message });
    const https = url.protocol === 'https:';
    return new Promise((resolve) => {
      const fail = (error: unknown) =>
        resolve({ statusCode: null, retryAfter: undefined, body: null, error: (error instanceof Error ? error.message : String(error)).slice(0, ERROR_LOG_CHARS) });
      const request = (https ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: https ? this.agents.https : this.agents.http,
        signal,
        ...(this.lookup ? { lookup: this.lookup } : {}),
      });
      request.on('response', (response) => void readAnswer(response).then(resolve));
      request.on('error', (error) => fail(signal.aborted ? (signal.reason ?? error) : error));
      request.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/**
 * Claims up to `limit` due deliveries for this instance: one conditional update, so of several
 * instances each delivery goes to one (PostgreSQL: SKIP LOCKED; SQLite: the write lock).
 */
async function claimDue(deps: ServiceDeps, policy: DeliveryPolicy, token: string, limit: number): Promise<ClaimedRow[]> {
  const now = deps.clock.now();
  return inSqlTransaction(deps.db, async (sql) => {
    await sql.run(webhookSql.claim(token, now + leaseMs(policy), now, limit, sql.forUpdateSkipLocked));
    return sql.all<ClaimedRow>(webhookSql.claimed(token));
  });
}

/** Records an attempt, moves its delivery on, and keeps the endpoint's failing streak (disabling it when the rules say so). */
async function recordOutcome(deps: ServiceDeps, options: DeliveryOptions, row: ClaimedRow, token: string, started: number, answer: Answer): Promise<void> {
  const now = deps.clock.now();
  const outcome: AttemptOutcome = { statusCode: answer.statusCode, retryAfterMs: parseRetryAfter(answer.retryAfter, now) };
  const next = nextStep(options, row.attempts + 1, outcome, now);
  const failingSince = optionalNumber(row.failing_since);
  const endpoint = endpointAfter(failingSince, outcome, now);
  const id = Number(row.id);
  await inSqlTransaction(deps.db, async (sql) => {
    await sql.run(
      webhookSql.recordAttempt({
        deliveryId: id,
        attemptedAt: started,
        statusCode: answer.statusCode,
        durationMs: Math.max(0, now - started),
        error: answer.error ?? (answer.statusCode === null ? 'no answer' : null),
        responseBody: answer.body,
      }),
    );
    await sql.run(webhookSql.finish(id, token, { status: next.status, at: next.status === 'pending' ? next.at : null }, now));
    if (endpoint.failingSince !== failingSince) await sql.run(webhookSql.setFailingSince(row.webhook_id, endpoint.failingSince));
    if (endpoint.disable && (await sql.run(webhookSql.disableWebhook(row.webhook_id, endpoint.disable, now))) === 1) {
      options.log.warn({ webhook_id: row.webhook_id, url: row.url, reason: endpoint.disable }, 'webhook endpoint disabled');
    }
  });
}

/**
 * One attempt of a claimed delivery, recorded. Not recorded when `cancel` fired: the delivery is
 * then handed back by whoever cancelled.
 */
async function attempt(deps: ServiceDeps, options: DeliveryOptions, sender: Sender, row: ClaimedRow, token: string, cancel?: AbortSignal): Promise<void> {
  const started = deps.clock.now();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const answer = await sender.post(row.url, row.payload, signedHeaders(row, started), cancel ? AbortSignal.any([timeout, cancel]) : timeout);
  if (cancel?.aborted) return;
  try {
    await recordOutcome(deps, options, row, token, started, answer);
  } catch (error) {
    // The lease runs out and the delivery goes again: at least once.
    options.log.warn({ err: error, delivery_id: row.id }, 'could not record a webhook attempt; it will be retried');
  }
}

/**
 * Claims what is due now and delivers it, all of it before resolving; returns how many
 * attempts it made. The dispatcher does this continuously; tests and tools call it once.
 */
export async function deliverDue(deps: ServiceDeps, options: DeliveryOptions, limit = 100): Promise<number> {
  const sender = new Sender(deps.endpoints ?? DEFAULT_ENDPOINT_RULES);
  try {
    const token = `once.${randomBytes(6).toString('base64url')}`;
    const claimed = await claimDue(deps, options, token, limit);
    await Promise.all(claimed.map((row) => attempt(deps, options, sender, row, token)));
    return claimed.length;
  } finally {
    sender.close();
  }
}

export interface Dispatcher {
  /** Looks for due deliveries now (an event was just committed). */
  wake(): void;
  /**
   * Stops claiming, gives deliveries in flight `graceMs` to finish, then aborts the rest and
   * hands them back unrecorded, for any instance to send again.
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * Runs the outbox on this instance: woken by its own commits, and polling for other instances'
 * commits and for retries that fall due.
 */
export function startDispatcher(deps: ServiceDeps, options: DispatchOptions): Dispatcher {
  const sender = new Sender(deps.endpoints ?? DEFAULT_ENDPOINT_RULES);
  const instance = randomBytes(6).toString('base64url');
  const claimBatch = Math.max(1, Math.floor(options.concurrency / 4));
  let claims = 0;
  const shutdown = new AbortController();
  const inFlight = new Set<Promise<void>>();
  /** Claims with deliveries still in flight, and how many. */
  const tokens = new Map<string, number>();
  let stopping = false;
  let woken = false;
  let alarm: (() => void) | null = null;

  const wake = () => {
    woken = true;
    alarm?.();
  };

  const deliver = (row: ClaimedRow, token: string) => attempt(deps, options, sender, row, token, shutdown.signal);

  /** Sleeps until `ms` have passed or wake() is called, whichever comes first. */
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopping) return resolve();
      const timer = setTimeout(() => {
        alarm = null;
        resolve();
      }, Math.max(0, ms));
      alarm = () => {
        clearTimeout(timer);
        alarm = null;
        resolve();
      };
    });

  const untilNextDue = async () => {
    const [row] = await sqlRunner(deps.db).all<{ at: number | string | null }>(webhookSql.nextDue());
    return row?.at == null ? options.pollMs : Math.min(options.pollMs, Number(row.at) - deps.clock.now());
  };

  const loop = async () => {
    while (!stopping) {
      woken = false;
      const room = options.concurrency - inFlight.size;
      let claimed: ClaimedRow[] = [];
      let unreachable = false;
      // Claims come in batches: a claim costs a transaction whatever its size, so one per
      // finished delivery would spend more on claiming than on delivering.
      if (room >= claimBatch || (room > 0 && inFlight.size === 0)) {
        const token = `${instance}.${++claims}`;
        try {
          claimed = await claimDue(deps, options, token, room);
        } catch (error) {
          unreachable = true;
          options.log.warn({ err: error }, 'could not claim webhook deliveries; will try again');
        }
        if (claimed.length) tokens.set(token, claimed.length);
        for (const row of claimed) {
          const delivery: Promise<void> = deliver(row, token).finally(() => {
            inFlight.delete(delivery);
            const left = (tokens.get(token) ?? 1) - 1;
            if (left > 0) tokens.set(token, left);
            else tokens.delete(token);
            wake();
          });
          inFlight.add(delivery);
        }
      }
      // A full claim may have left more due: claim again as soon as there is room for a batch.
      if (claimed.length > 0 && claimed.length === room && options.concurrency - inFlight.size >= claimBatch) continue;
      // A database that failed the claim is given a poll's time before it is asked again.
      const busy = unreachable || inFlight.size >= options.concurrency;
      await nap(busy ? options.pollMs : await untilNextDue().catch(() => options.pollMs));
    }
  };
  const running = loop();

  return {
    wake,
    async stop(graceMs) {
      stopping = true;
      alarm?.();
      await running;
      const settled = Promise.all(inFlight);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      const unfinished = [...tokens.keys()];
      shutdown.abort(new Error('the server is shutting down'));
      await settled;
      for (const token of unfinished) await sqlRunner(deps.db).run(webhookSql.handBack(token)).catch(() => undefined);
      sender.close();
    },
  };
}
