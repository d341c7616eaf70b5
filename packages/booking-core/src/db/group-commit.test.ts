import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './orm.js';
import { MAX_GROUP_COMMIT, sqlRunner, sqliteText, type TransactionSql } from './sql.js';

// SQLite's write transactions are committed in groups (sql.ts): what a caller sees of that is
// that each transaction still stands or falls alone, and is on disk when it is answered. And
// parameters reach SQLite as `+?`, which must change no value.

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** A file database with one table, and a second connection to the same file, as another process would have. */
async function openPair(): Promise<{ db: Database; other: Sqlite.Database }> {
  const dir = await mkdtemp(join(tmpdir(), 'escape-room-group-'));
  const path = join(dir, 'test.sqlite');
  const db = await openDatabase({ driver: 'sqlite', path });
  await sqlRunner(db).run({ text: 'create table note (k text primary key)', params: [] });
  const other = new Sqlite(path, { fileMustExist: true });
  cleanup = async () => {
    other.close();
    await db.close(true);
    await rm(dir, { recursive: true, force: true });
  };
  return { db, other };
}

const insert = (sql: TransactionSql, k: string) => sql.run({ text: 'insert into note (k) values (?)', params: [k] });
const stored = (other: Sqlite.Database) => (other.prepare('select k from note order by k').all() as { k: string }[]).map((row) => row.k);

describe('SQLite group commit', () => {
  it('answers each transaction only once another connection sees it, and commits the ones asked for together at once', async () => {
    const { db, other } = await openPair();
    const runner = sqlRunner(db);
    const keys = Array.from({ length: 10 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const seenWhenAnswered = await Promise.all(keys.map((k) => runner.transaction((sql) => insert(sql, k)).then(() => stored(other))));
    // The first to be answered already finds all ten on disk: they were one commit.
    for (const seen of seenWhenAnswered) expect(seen).toEqual(keys);
  });

  it('rolls back a transaction that fails alone, and tells it its own error', async () => {
    const { db, other } = await openPair();
    const runner = sqlRunner(db);
    const outcomes = await Promise.allSettled([
      runner.transaction((sql) => insert(sql, 'a')),
      runner.transaction(async (sql) => {
        await insert(sql, 'b');
        throw new Error('changed its mind');
      }),
      // A statement the database refuses (a duplicate key), after a write of its own.
      runner.transaction(async (sql) => {
        await insert(sql, 'c');
        await insert(sql, 'a');
      }),
      runner.transaction((sql) => insert(sql, 'd')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(outcomes[1]).toMatchObject({ reason: { message: 'changed its mind' } });
    expect(outcomes[2]).toMatchObject({ reason: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' } });
    expect(stored(other)).toEqual(['a', 'd']);
  });

  it('runs the transactions in the order they were asked for, each seeing the ones before it', async () => {
    const { db } = await openPair();
    const runner = sqlRunner(db);
    const count = MAX_GROUP_COMMIT * 2 + 3;
    const seen = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        runner.transaction(async (sql) => {
          const [row] = await sql.all<{ n: number }>({ text: 'select count(*) as n from note', params: [] });
          await insert(sql, `k${String(i).padStart(3, '0')}`);
          return row?.n;
        }),
      ),
    );
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('commits nothing of a group while another connection holds the write lock, and answers each with the busy error to retry', async () => {
    const { db, other } = await openPair();
    other.exec('begin immediate');
    const outcomes = await Promise.allSettled(['x', 'y'].map((k) => sqlRunner(db).transaction((sql) => insert(sql, k))));
    other.exec('commit');
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'SQLITE_BUSY' } });
    expect(stored(other)).toEqual([]);
    // The lock is free again: the next group commits.
    await sqlRunner(db).transaction((sql) => insert(sql, 'z'));
    expect(stored(other)).toEqual(['z']);
  });
});

describe('SQLite parameters as +?', () => {
  it('bind every value as a bare ? would: text stays text, numbers keep their value and type, null stays null', async () => {
    const { db, other } = await openPair();
    const runner = sqlRunner(db);
    expect(sqliteText('select ? where a < ? limit ?')).toBe('select +? where a < +? limit +?');
    const values = ['007', '', 'e1', 9_007_199_254_740_991, -5, 1.5, null];
    const statement = {
      text: `select ${values.map((_, i) => `? as v${i}, typeof(?) as t${i}`).join(', ')}`,
      params: values.flatMap((v) => [v, v]),
    };
    const [asRun] = await runner.all<Record<string, unknown>>(statement);
    // The same statement with bare parameters, on a connection of its own.
    const bare = other.prepare(statement.text).get(...statement.params) as Record<string, unknown>;
    expect(asRun).toEqual(bare);
    expect(values.map((_, i) => asRun?.[`v${i}`])).toEqual(values);
    // A text key compares as text against a text column: '007' is not 7.
    await runner.transaction((sql) => insert(sql, '007'));
    expect(await runner.all({ text: 'select k from note where k = ?', params: ['007'] })).toEqual([{ k: '007' }]);
    expect(await runner.all({ text: 'select k from note where k = ?', params: [7] })).toEqual([]);
  });
});
