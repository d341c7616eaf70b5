import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_BUSY_TIMEOUT_MS, openDatabase, type Database } from './orm.js';
import { sqlRunner } from './sql.js';
import type { SqliteTarget } from './database-url.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function openSqlite(options: Partial<SqliteTarget> = {}): Promise<Database> {
  const dir = await mkdtemp(join(tmpdir(), 'escape-room-orm-'));
  const db = await openDatabase({ driver: 'sqlite', path: join(dir, 'test.sqlite'), ...options });
  cleanup = async () => {
    await db.close(true);
    await rm(dir, { recursive: true, force: true });
  };
  return db;
}

const pragma = async (db: Database, name: string) =>
  Object.values((await sqlRunner(db).all<Record<string, unknown>>({ text: `pragma ${name}`, params: [] }))[0]!)[0];

describe('SQLite connections', () => {
  it('use WAL, foreign keys, a short busy wait, an 8 MiB cache and synchronous=normal by default', async () => {
    const db = await openSqlite();
    expect(await pragma(db, 'journal_mode')).toBe('wal');
    expect(await pragma(db, 'foreign_keys')).toBe(1);
    expect(await pragma(db, 'synchronous')).toBe(1);
    // MikroORM 7 would leave a 5-second busy wait on the event loop and SQLite's own cache size.
    expect(await pragma(db, 'busy_timeout')).toBe(SQLITE_BUSY_TIMEOUT_MS);
    expect(await pragma(db, 'cache_size')).toBe(-8000);
  });

  it('flush every commit to the disk when asked for synchronous=full', async () => {
    const db = await openSqlite({ synchronous: 'full' });
    expect(await pragma(db, 'synchronous')).toBe(2);
  });
});
