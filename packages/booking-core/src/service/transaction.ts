import { DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { BookingError } from '../domain/errors.js';
import type { Database } from '../db/orm.js';
import { sqlRunner, type TransactionSql } from '../db/sql.js';

// PostgreSQL: serialization failure, deadlock. SQLite: another process holds the write lock.
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01']);
/** How long a write keeps retrying a busy database before the caller is told to come back. */
const RETRY_BUDGET_MS = 5_000;
const MAX_BACKOFF_MS = 100;

/** Whether a write failed only because another transaction was in the way, leaving nothing behind. */
function isTransient(error: unknown): boolean {
  if (error instanceof LockWaitTimeoutException || error instanceof DeadlockException) return true;
  if (!(error instanceof Error)) return false;
  // The ORM's wrapped exceptions carry sqlState; raw pg and better-sqlite3 errors carry code.
  const { sqlState, code } = error as { sqlState?: unknown; code?: unknown };
  return TRANSIENT_SQLSTATES.has(String(sqlState ?? code)) || /SQLITE_BUSY|database is locked/i.test(`${String(code)} ${error.message}`);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a write, and runs it again when the database reports a transient conflict with another
 * transaction (another process holding SQLite's write lock, a PostgreSQL deadlock). Whatever the
 * write decided is never retried: only failures that left nothing behind. This process's own
 * SQLite writers need no turn of their own: they share the ORM's one connection, under its lock.
 */
export async function write<T>(run: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + RETRY_BUDGET_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (Date.now() >= giveUpAt) {
        throw new BookingError('SERVICE_UNAVAILABLE', 'The database is busy; retry in a moment');
      }
      // Jittered exponential backoff, so competing writers do not collide again in step.
      await pause(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
    }
  }
}

/** `work` in one write transaction on a fresh EntityManager. */
export function inTransaction<T>(db: Database, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return write(() => db.em.fork().transactional((em) => work(em as EntityManager)));
}

/** `work` in one write transaction of hand-written SQL (the hot paths). */
export function inSqlTransaction<T>(db: Database, work: (sql: TransactionSql) => Promise<T>): Promise<T> {
  return write(() => sqlRunner(db).transaction(work));
}
