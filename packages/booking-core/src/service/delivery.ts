import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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
import { allInTurn, optionalNumber } from '../db/sql.js';
import { DEFAULT_ENDPOINT_RULES, type EndpointRules, type ServiceDeps } from './deps.js';
import { addressRefusal, guardedLookup } from './endpoint-guard.js';
import { leaseMs, startWorker, workDue, type Dispatcher, type LeasedWork } from './lease-worker.js';
import { Webhook as Signer } from 'standardwebhooks';
import { withDeadline } from './deadline.js';
import { inSqlTransaction } from './transaction.js';

export { leaseMs, type Dispatcher } from './lease-worker.js';

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


interface Answer {
  statusCode: number | null;
  retryAfter: string | undefined;
  body: string | null;
  error: string | null;
}

/**
 * One signer per secret (the library decodes the key when it is made, which was half the signing
 * cost when made per signature). Few endpoints, few secrets: the map is cleared if it ever grows.
 */
const signers = new Map<string, Signer>();
function signerFor(secret: string): Signer {
  let signer = signers.get(secret);
  if (!signer) {
    if (signers.size >= 1000) signers.clear();
    signer = new Signer(secret);
    signers.set(secret, signer);
  }
  return signer;
}

/** Standard Webhooks headers: one signature per live secret, so receivers can rotate without a gap. */
function signedHeaders(row: ClaimedRow, now: number): Record<string, string> {
  const secrets = [row.secret];
  if (row.previous_secret && previousSecretSigns(optionalNumber(row.previous_secret_until), now)) secrets.push(row.previous_secret);
  const timestamp = new Date(Math.floor(now / 1000) * 1000);
  const seconds = String(timestamp.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': row.event_id,
    'webhook-timestamp': seconds,
    'webhook-signature': secrets.map((secret) => signerFor(secret).sign(row.event_id, timestamp, row.payload)).join(' '),
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

/** An attempt that got its answer, waiting for its record. */
interface Finished {
  row: ClaimedRow;
  token: string;
  started: number;
  answer: Answer;
}

/**
 * Records attempts, each with what comes next for its delivery, and keeps each endpoint's failing
 * streak (disabling it when the rules say so): all of them in one transaction, with one
 * statement for the attempts and one for the deliveries, however many there are.
 */
async function recordOutcomes(deps: ServiceDeps, options: DeliveryOptions, finished: readonly Finished[]): Promise<void> {
  const now = deps.clock.now();
  const steps = finished.map(({ row, token, started, answer }) => {
    const outcome: AttemptOutcome = { statusCode: answer.statusCode, retryAfterMs: parseRetryAfter(answer.retryAfter, now) };
    const next = nextStep(options, row.attempts + 1, outcome, now);
    const failingSince = optionalNumber(row.failing_since);
    return {
      row,
      failingSince,
      endpoint: endpointAfter(failingSince, outcome, now),
      attempt: {
        deliveryId: Number(row.id),
        attemptedAt: started,
        statusCode: answer.statusCode,
        durationMs: Math.max(0, now - started),
        error: answer.error ?? (answer.statusCode === null ? 'no answer' : null),
        responseBody: answer.body,
      },
      finish: { id: Number(row.id), token, next: { status: next.status, at: next.status === 'pending' ? next.at : null } },
    };
  });
  await inSqlTransaction(deps.db, async (sql) => {
    // A record a crash loses sends its delivery again: at least once, as a crash before it would.
    await sql.commitWithoutFlush();
    await allInTurn(sql, [
      { run: webhookSql.recordAttempts(steps.map((step) => step.attempt)) },
      { run: webhookSql.finishMany(steps.map((step) => step.finish), now) },
    ]);
    for (const { row, failingSince, endpoint } of steps) {
      if (endpoint.failingSince !== failingSince) await sql.run(webhookSql.setFailingSince(row.webhook_id, endpoint.failingSince));
      if (endpoint.disable && (await sql.run(webhookSql.disableWebhook(row.webhook_id, endpoint.disable, now))) === 1) {
        options.log.warn({ webhook_id: row.webhook_id, url: row.url, reason: endpoint.disable }, 'webhook endpoint disabled');
      }
    }
  });
}

/** Bounds one record's statements (PostgreSQL takes at most 65,535 parameters). */
const MAX_RECORD_BATCH = 500;

/**
 * Writes records as attempts finish: whatever finished while the previous write ran goes in the
 * next one. A transaction per attempt made the commit, not the POST, the cost of a delivery.
 */
class Recorder {
  private waiting: (Finished & { settle: (error?: Error) => void })[] = [];
  private writing = false;
  constructor(
    private readonly deps: ServiceDeps,
    private readonly options: DeliveryOptions,
  ) {}

  /** Resolves once `finished` is recorded; rejects when its write failed. */
  record(finished: Finished): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ...finished, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      // Answers that came in the same turn of the event loop go in the same write.
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_RECORD_BATCH);
      const error = await recordOutcomes(this.deps, this.options, batch).then(
        () => undefined,
        (failure: unknown) => (failure instanceof Error ? failure : new Error(String(failure))),
      );
      for (const finished of batch) finished.settle(error);
    }
    this.writing = false;
  }
}

/**
 * One attempt of a claimed delivery, recorded. Not recorded when `cancel` fired: the delivery is
 * then handed back by whoever cancelled.
 */
async function attempt(deps: ServiceDeps, options: DeliveryOptions, sender: Sender, recorder: Recorder, row: ClaimedRow, token: string, cancel?: AbortSignal): Promise<void> {
  const started = deps.clock.now();
  const answer = await withDeadline(options.timeoutMs, cancel, (signal) => sender.post(row.url, row.payload, signedHeaders(row, started), signal));
  if (cancel?.aborted) return;
  try {
    await recorder.record({ row, token, started, answer });
  } catch (error) {
    // The lease runs out and the delivery goes again: at least once.
    options.log.warn({ err: error, delivery_id: row.id }, 'could not record a webhook attempt; it will be retried');
  }
}

/** Deliveries as a leased queue: each claimed one POSTed by `sender`. */
function deliveries(deps: ServiceDeps, options: DeliveryOptions, sender: Sender): LeasedWork<ClaimedRow> {
  const recorder = new Recorder(deps, options);
  return {
    statements: webhookSql.queue,
    claimed: webhookSql.claimed,
    leaseMs: leaseMs(options),
    attempt: (row, token, cancel) => attempt(deps, options, sender, recorder, row, token, cancel),
    close: () => sender.close(),
  };
}

/**
 * Claims what is due now and delivers it, all of it before resolving; returns how many
 * attempts it made. The dispatcher does this continuously; tests and tools call it once.
 */
export function deliverDue(deps: ServiceDeps, options: DeliveryOptions, limit = 100): Promise<number> {
  return workDue(deps, deliveries(deps, options, new Sender(deps.endpoints ?? DEFAULT_ENDPOINT_RULES)), limit);
}

/**
 * Runs the outbox on this instance: woken by its own commits, and polling for other instances'
 * commits and for retries that fall due.
 */
export function startDispatcher(deps: ServiceDeps, options: DispatchOptions): Dispatcher {
  const work = deliveries(deps, options, new Sender(deps.endpoints ?? DEFAULT_ENDPOINT_RULES));
  return startWorker(deps, work, { what: 'webhook deliveries', concurrency: options.concurrency, pollMs: options.pollMs, log: options.log });
}
