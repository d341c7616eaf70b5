import { DeadlockException, DriverException, LockWaitTimeoutException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { BookingError } from '../domain/errors.js';
import { driverOf, type Database } from '../db/orm.js';
import { Mutex } from 'async-mutex';

// PostgreSQL: serialization failure, deadlock. SQLite: another process holds the write lock.
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01']);
const ATTEMPTS = 8;

export function isTransient(error: unknown): boolean {
  if (error instanceof LockWaitTimeoutException || error instanceof DeadlockException) return true;
  if (!(error instanceof DriverException)) return false;
  return TRANSIENT_SQLSTATES.has(error.sqlState ?? error.code ?? '') || /SQLITE_BUSY|database is locked/i.test(error.message);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SQLite has one writer per file. Our own connections take turns here, in memory, instead of
 * meeting at the file lock, where the losers sleep in SQLite's busy handler; another process
 * still meets us at the lock (busy_timeout, then a retry). PostgreSQL needs no such turn.
 */
const sqliteWriters = new WeakMap<Database, Mutex>();
function writerTurn(db: Database): Mutex | undefined {
  if (driverOf(db) !== 'sqlite') return undefined;
  let mutex = sqliteWriters.get(db);
  if (!mutex) sqliteWriters.set(db, (mutex = new Mutex()));
  return mutex;
}

/**
 * Runs `work` in one write transaction on a fresh EntityManager, and runs it again when the
 * database reports a transient conflict with another transaction (another process holding
 * SQLite's write lock, a PostgreSQL deadlock). Whatever the work decided is never retried:
 * only failures that left nothing behind.
 */
export async function inTransaction<T>(db: Database, work: (em: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const run = () => db.em.fork().transactional((em) => work(em as EntityManager));
      const turn = writerTurn(db);
      return await (turn ? turn.runExclusive(run) : run());
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt === ATTEMPTS) {
        throw new BookingError('SERVICE_UNAVAILABLE', 'The database is busy; retry in a moment');
      }
      // Jittered exponential backoff, so competing writers do not collide again in step.
      await pause(Math.random() * 5 * 2 ** attempt);
    }
  }
}
