import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeSqlite, openDatabase, type Database } from './orm.js';
import { WAL_BACKSTOP_PAGES, startWalCheckpointer } from './wal-checkpointer.js';

/** SQLite's own automatic checkpoint threshold, in pages. */
const SQLITE_DEFAULT_PAGES = 1000;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function openFile(): Promise<{ db: Database; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'escape-room-wal-'));
  const path = join(dir, 'test.sqlite');
  const db = await openDatabase({ driver: 'sqlite', path });
  cleanup = async () => {
    await db.close(true);
    await rm(dir, { recursive: true, force: true });
  };
  const connection = await nativeSqlite(db);
  connection.exec('create table filler (id integer primary key, body blob not null)');
  return { db, path };
}

/** Commits `pages` pages' worth of rows, one page per transaction, as a server's small writes do. */
async function commitPages(db: Database, pages: number): Promise<void> {
  const connection = await nativeSqlite(db);
  const insert = connection.prepare('insert into filler (body) values (randomblob(3000))');
  for (let i = 0; i < pages; i++) insert.run();
}

describe('the WAL checkpointer', () => {
  it('leaves checkpoints to its worker: the server connection commits past SQLite\'s 1,000 pages without one', async () => {
    const { db } = await openFile();
    // An hour between the worker's own runs: this test asks for each checkpoint itself.
    const checkpointer = await startWalCheckpointer(db, { intervalMs: 3_600_000 });
    try {
      await commitPages(db, SQLITE_DEFAULT_PAGES + 500);

      const first = await checkpointer.checkpoint();
      // Nothing copied the WAL before the worker did: every frame of the 1,500 commits was still there.
      expect(first.log).toBeGreaterThan(SQLITE_DEFAULT_PAGES + 500);
      expect(first.log).toBeLessThan(WAL_BACKSTOP_PAGES);
      expect(first).toMatchObject({ busy: false, checkpointed: first.log });

      // Wholly copied, the WAL starts again from its top at the next commit: it does not grow without end.
      await commitPages(db, 1);
      const second = await checkpointer.checkpoint();
      expect(second.log).toBeLessThan(10);
      expect(second.checkpointed).toBe(second.log);
    } finally {
      await checkpointer.stop();
    }
  });

  it('copies the WAL into the database on its own timer', async () => {
    const { db, path } = await openFile();
    const checkpointer = await startWalCheckpointer(db, { intervalMs: 1 });
    try {
      await commitPages(db, SQLITE_DEFAULT_PAGES + 500);
      // Read from the WAL index in the -shm file, so the test runs no checkpoint of its own (and
      // the server connection's own would wait for the backstop, far beyond these pages).
      await expect.poll(async () => {
        const { frames, backfilled } = await walIndex(path);
        return frames > SQLITE_DEFAULT_PAGES + 500 && backfilled === frames;
      }, { timeout: 30_000, interval: 5 }).toBe(true);
    } finally {
      await checkpointer.stop();
    }
  });

  it('gives the server connection SQLite\'s own threshold back when it stops, and the closing connection removes the WAL', async () => {
    const { db, path } = await openFile();
    const connection = await nativeSqlite(db);
    const checkpointer = await startWalCheckpointer(db);
    expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_BACKSTOP_PAGES);
    await commitPages(db, 20);
    await checkpointer.stop();
    expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(SQLITE_DEFAULT_PAGES);
    await checkpointer.stop();

    // The worker's connection is closed, so the server's is the last one: closing it checkpoints and deletes the WAL.
    expect(existsSync(`${path}-wal`)).toBe(true);
    await db.close(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('refuses an in-memory database, which has no WAL', async () => {
    const db = await openDatabase({ driver: 'sqlite', path: ':memory:' });
    try {
      await expect(startWalCheckpointer(db)).rejects.toThrow(/file database/);
    } finally {
      await db.close(true);
    }
  });
});

/**
 * The WAL index's own counts (SQLite's documented -shm layout, native byte order): frames in the
 * WAL (mxFrame, in the header at byte 16) and frames a checkpoint has copied into the database
 * (nBackfill, in the checkpoint information at byte 96).
 */
async function walIndex(path: string): Promise<{ frames: number; backfilled: number }> {
  const shm = await readFile(`${path}-shm`);
  const read = endianness() === 'LE' ? (at: number) => shm.readUInt32LE(at) : (at: number) => shm.readUInt32BE(at);
  return { frames: read(16), backfilled: read(96) };
}
