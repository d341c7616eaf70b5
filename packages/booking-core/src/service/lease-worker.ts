import { randomBytes } from 'node:crypto';
import type { QueueStatements } from '../db/lease-sql.js';
import { allInTurn, sqlRunner, type Statement } from '../db/sql.js';
import type { ServiceDeps } from './deps.js';
import { inSqlTransaction } from './transaction.js';

// Working off a leased queue (lease-sql.ts), for webhook deliveries and guest emails alike:
// claim due rows under a lease, attempt each, record the outcome fenced by the claim's token.
// At least once: a crash after an attempt and before its record attempts it again once the
// lease runs out.

/**
 * How long a claim keeps its rows from other instances: two attempts' worth and a second, so a
 * live instance never loses a row it is still attempting, and a crashed one's come back soon.
 */
export const leaseMs = (policy: { timeoutMs: number }) => 2 * policy.timeoutMs + 1000;

/** A leased queue as a worker sees it. */
export interface LeasedWork<Row> {
  statements: QueueStatements;
  /** The claimed rows of a claim, with what attempting them needs. */
  claimed(token: string): Statement;
  /** How long a claim keeps its rows from other instances. */
  leaseMs: number;
  /**
   * One attempt of a claimed row, recorded under `token`. Not recorded when `cancel` fired: the
   * row is then handed back by whoever cancelled.
   */
  attempt(row: Row, token: string, cancel?: AbortSignal): Promise<void>;
  /** Lets go of connections and the like once the worker stops. */
  close(): void;
}

export interface WorkerOptions {
  /** What the log calls the rows, e.g. "webhook deliveries". */
  what: string;
  /** Rows in flight at once on this instance. */
  concurrency: number;
  /** How often an idle instance looks for rows other instances committed, or that fell due. */
  pollMs: number;
  log: { warn(fields: object, message: string): void };
}

/**
 * Claims up to `limit` due rows for one claim: one conditional update, so of several instances
 * each row goes to one (PostgreSQL: SKIP LOCKED; SQLite: the write lock).
 */
export async function claimDue<Row>(deps: ServiceDeps, work: LeasedWork<Row>, token: string, limit: number): Promise<Row[]> {
  const now = deps.clock.now();
  return inSqlTransaction(deps.db, async (sql) => {
    // A lease a crash forgets only frees its rows sooner: no need to wait for the disk.
    await sql.commitWithoutFlush();
    // The lease and the read of what it leased: one round trip on PostgreSQL.
    const results = await allInTurn(sql, [
      ...sql.inIndexOrder({ run: work.statements.claim(token, now + work.leaseMs, now, limit, sql.forUpdateSkipLocked) }),
      { all: work.claimed(token) },
    ]);
    return (results.at(-1) ?? []) as Row[];
  });
}

/**
 * Claims what is due now and attempts it, all of it before resolving; returns how many
 * attempts it made. The worker does this continuously; tests and tools call it once.
 */
export async function workDue<Row>(deps: ServiceDeps, work: LeasedWork<Row>, limit: number): Promise<number> {
  try {
    const token = `once.${randomBytes(6).toString('base64url')}`;
    const claimed = await claimDue(deps, work, token, limit);
    await Promise.all(claimed.map((row) => work.attempt(row, token)));
    return claimed.length;
  } finally {
    work.close();
  }
}

export interface Dispatcher {
  /** Looks for due rows now (this instance just committed some). */
  wake(): void;
  /**
   * Stops claiming, gives attempts in flight `graceMs` to finish, then aborts the rest and
   * hands them back unrecorded, for any instance to attempt again.
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * Works off a queue on this instance: woken by its own commits, and polling for other
 * instances' commits and for retries that fall due.
 */
export function startWorker<Row>(deps: ServiceDeps, work: LeasedWork<Row>, options: WorkerOptions): Dispatcher {
  const instance = randomBytes(6).toString('base64url');
  const claimBatch = Math.max(1, Math.floor(options.concurrency / 4));
  let claims = 0;
  const shutdown = new AbortController();
  const inFlight = new Set<Promise<void>>();
  /** Claims with rows still in flight, and how many. */
  const tokens = new Map<string, number>();
  let stopping = false;
  let woken = false;
  let alarm: (() => void) | null = null;

  const wake = () => {
    woken = true;
    alarm?.();
  };

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
    const [row] = await sqlRunner(deps.db).all<{ at: number | string | null }>(work.statements.nextDue());
    return row?.at == null ? options.pollMs : Math.min(options.pollMs, Number(row.at) - deps.clock.now());
  };

  const loop = async () => {
    while (!stopping) {
      woken = false;
      const room = options.concurrency - inFlight.size;
      let claimed: Row[] = [];
      let unreachable = false;
      // Claims come in batches: a claim costs a transaction whatever its size, so one per
      // finished attempt would spend more on claiming than on attempting.
      if (room >= claimBatch || (room > 0 && inFlight.size === 0)) {
        const token = `${instance}.${++claims}`;
        try {
          claimed = await claimDue(deps, work, token, room);
        } catch (error) {
          unreachable = true;
          options.log.warn({ err: error }, `could not claim ${options.what}; will try again`);
        }
        if (claimed.length) tokens.set(token, claimed.length);
        for (const row of claimed) {
          const attempt: Promise<void> = work.attempt(row, token, shutdown.signal).finally(() => {
            inFlight.delete(attempt);
            const left = (tokens.get(token) ?? 1) - 1;
            if (left > 0) tokens.set(token, left);
            else tokens.delete(token);
            wake();
          });
          inFlight.add(attempt);
        }
      }
      // A full claim may have left more due: claim again as soon as there is room for a batch.
      if (claimed.length > 0 && claimed.length === room && options.concurrency - inFlight.size >= claimBatch) continue;
      // A database that failed the claim is given a poll's time before it is asked again. Until
      // there is room for a batch, finishing attempts wake the loop: asking the database when the
      // next row falls due after every attempt cost a query per delivery.
      const waitForRoom = unreachable || options.concurrency - inFlight.size < claimBatch;
      await nap(waitForRoom ? options.pollMs : await untilNextDue().catch(() => options.pollMs));
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
      for (const token of unfinished) await sqlRunner(deps.db).run(work.statements.handBack(token)).catch(() => undefined);
      work.close();
    },
  };
}
