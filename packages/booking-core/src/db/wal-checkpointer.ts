import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { DatabaseTarget } from './database-url.js';
import { nativeSqlite, type Database } from './orm.js';

/**
 * SQLite's WAL grows with every commit until a checkpoint copies it back into the database file
 * and syncs both to the disk. By default the commit that crosses 1,000 pages runs that checkpoint
 * itself, and better-sqlite3 runs it on the event loop: in the benchmark's holds, one commit in
 * about sixty took 20 to 40 ms instead of a tenth of one, and every request waited behind it.
 *
 * Here a worker thread with its own connection to the file runs PASSIVE checkpoints on a timer:
 * they copy what they can without waiting for, or blocking, the server's reads and writes, and
 * their disk syncs happen off the event loop. While it runs, the server's own connection keeps an
 * automatic checkpoint only as a backstop, for a worker that falls behind.
 */

/** Pages the WAL may reach while the worker runs before the server's connection checkpoints it itself. */
export const WAL_BACKSTOP_PAGES = 10_000;
/** SQLite's own threshold, given back when the worker stops. */
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;
/** How often the worker looks at an idle WAL. */
const DEFAULT_INTERVAL_MS = 100;
/**
 * How soon it checkpoints again while commits keep coming. Under steady writes the WAL is never
 * wholly copied at the moment a writer starts (the one moment SQLite restarts it from the top),
 * so it grows to the backstop, whose checkpoint on the event loop must then copy only what came
 * since the worker's last run: a few milliseconds of commits, not a thousand pages.
 */
const BUSY_INTERVAL_MS = 5;

/** What one PASSIVE checkpoint did (SQLite's own counts, in WAL frames). */
export interface CheckpointResult {
  /** Whether another checkpointer, or a connection in another process, was in the way. */
  busy: boolean;
  /** Frames in the WAL. */
  log: number;
  /** Frames copied into the database file so far; equal to `log` when nothing is left. */
  checkpointed: number;
}

export interface WalCheckpointer {
  /** Runs a checkpoint now, and resolves with what it did. */
  checkpoint(): Promise<CheckpointResult>;
  /** Closes the worker's connection (before the server's own closes, so that one can remove the WAL). */
  stop(): Promise<void>;
}

// The worker is CommonJS evaluated from this string, so it needs no file of its own beside the
// compiled module (and the same code runs from the sources under test). It loads better-sqlite3
// from the path this package resolved, whatever the process's working directory.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
// A checkpoint copies frames to the file without caching them: no page cache to speak of.
db.pragma('cache_size = -256');
let last = '';
const checkpoint = () => {
  const [row] = db.pragma('wal_checkpoint(PASSIVE)');
  return { busy: row.busy !== 0, log: row.log, checkpointed: row.checkpointed };
};
let timer;
const tick = () => {
  let delay = workerData.intervalMs;
  try {
    const result = checkpoint();
    const seen = result.log + ':' + result.checkpointed;
    if (seen !== last) delay = workerData.busyIntervalMs;
    last = seen;
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
  timer = setTimeout(tick, delay);
};
timer = setTimeout(tick, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'stop') { clearTimeout(timer); db.close(); parentPort.close(); return; }
  try { parentPort.postMessage({ id: message, result: checkpoint() }); }
  catch (error) { parentPort.postMessage({ id: message, error: String(error) }); }
});
`;

interface WorkerMessage {
  id?: number;
  result?: CheckpointResult;
  error?: string;
}

/** Whether the database keeps a WAL file to checkpoint: SQLite on a file (an in-memory one has none). */
export const hasWalFile = (target: DatabaseTarget): boolean => target.driver === 'sqlite' && target.path !== ':memory:';

/**
 * Starts checkpointing the database's SQLite file from a worker thread (a file database: an
 * in-memory one has no WAL). `onError` hears about a checkpoint the timer's run could not make;
 * the next run tries again, and the backstop keeps the WAL bounded meanwhile.
 */
export async function startWalCheckpointer(
  db: Database,
  options: { intervalMs?: number; onError?: (message: string) => void } = {},
): Promise<WalCheckpointer> {
  const path = db.config.get('dbName');
  if (!path || !hasWalFile({ driver: 'sqlite', path })) throw new Error('only a SQLite file database has a WAL to checkpoint');
  const connection = await nativeSqlite(db);
  connection.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_PAGES}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, path, intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS, busyIntervalMs: BUSY_INTERVAL_MS },
  });
  // The timer must not keep a process alive that has nothing else to do.
  worker.unref();
  const waiting = new Map<number, { resolve: (result: CheckpointResult) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const failAll = (error: Error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on('message', ({ id, result, error }: WorkerMessage) => {
    if (id === undefined) {
      if (error) options.onError?.(error);
      return;
    }
    const pending = waiting.get(id);
    waiting.delete(id);
    if (result) pending?.resolve(result);
    else pending?.reject(new Error(`WAL checkpoint failed: ${error}`));
  });
  worker.on('error', (error: Error) => failAll(error));
  void exited.then(() => failAll(new Error('the WAL checkpointer has stopped')));
  return {
    checkpoint: () =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        worker.postMessage(id);
      }),
    async stop() {
      // Referenced again, so the process waits for the worker's connection to close.
      worker.ref();
      worker.postMessage('stop');
      await exited;
      if (connection.open) connection.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
    },
  };
}
