import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, testDrivers } from '@escape-room/test-utils/databases';
import { inOneRoundTrip } from './pg-batch.js';
import type { Statement } from './sql.js';

// The batch runs prepared statements on a real server, several to a round trip. What it must
// keep: each statement sees the ones before it, a failure stops the rest and leaves the
// connection usable, and its record of what the connection has prepared stays true, so no
// later batch parses a statement twice or binds one that was never parsed.
describe.each(testDrivers().filter((driver) => driver === 'postgresql'))('a batch of statements on %s', () => {
  let client: pg.Client;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const created = await createPostgresDatabase();
    drop = created.drop;
    client = new pg.Client({ connectionString: created.url });
    await client.connect();
    await client.query('create table note (id bigint primary key, body text not null)');
  });
  afterAll(async () => {
    await client.end();
    await drop();
  });

  const statement = (text: string, ...params: (string | number | null)[]): Statement => ({ text, params });
  const notes = async () => (await inOneRoundTrip(client, [statement('select id, body from note order by id')]))[0]?.rows;

  it('runs its statements in turn, each seeing the ones before it, and answers each with its rows and count', async () => {
    const results = await inOneRoundTrip(client, [
      statement('begin'),
      statement('insert into note (id, body) values (?, ?), (?, ?)', 1, 'one', 2, 'two'),
      statement('update note set body = body || ? where id > ?', '!', 1),
      statement('select id, body, null as nothing from note where id = ?', 2),
      statement('commit'),
    ]);
    expect(results.map((r) => r.rowCount)).toEqual([0, 2, 1, 1, 0]);
    // bigint comes back as the client's parser gives it (a string), null as null.
    expect(results[3]?.rows).toEqual([{ id: '2', body: 'two!', nothing: null }]);
    expect(client.getTransactionStatus()).toBe('I');
  });

  it('stops at a failing statement and rejects with its error; outside a transaction, nothing of the batch stays', async () => {
    const failing = inOneRoundTrip(client, [
      statement('insert into note (id, body) values (?, ?)', 3, 'three'),
      statement('insert into note (id, body) values (?, ?)', 1, 'again'),
      statement('insert into note (id, body) values (?, ?)', 4, 'four'),
    ]);
    await expect(failing).rejects.toMatchObject({ code: '23505', message: expect.stringContaining('note_pkey') });
    // Up to its Sync, a batch outside a transaction is one implicit transaction of its own.
    expect(await notes()).toEqual([
      { id: '1', body: 'one' },
      { id: '2', body: 'two!' },
    ]);
  });

  it('keeps a true record of what the connection prepared when a batch breaks off', async () => {
    // Each text is new here: the first is parsed and run, the second fails when run, and the
    // third's Parse is skipped with the rest. All three must run in later batches.
    const parsedAndRun = statement('select count(*) as n from note where id >= ?', 0);
    const failsWhenRun = statement('select 1 / (id - ?) as q from note where id = ?', 1, 1);
    const neverParsed = statement('select body from note where id = ? and body like ?', 1, 'o%');
    await expect(inOneRoundTrip(client, [parsedAndRun, failsWhenRun, neverParsed])).rejects.toMatchObject({ code: '22012' });
    const again = await inOneRoundTrip(client, [parsedAndRun, neverParsed, { ...failsWhenRun, params: [0, 1] }]);
    expect(again.map((r) => r.rows)).toEqual([[{ n: '2' }], [{ body: 'one' }], [{ q: '1' }]]);
  });

  it('reports a statement the server cannot parse, and goes on working', async () => {
    await expect(inOneRoundTrip(client, [statement('select body from nowhere where id = ?', 1)])).rejects.toMatchObject({ code: '42P01' });
    await expect(inOneRoundTrip(client, [statement('selec 1')])).rejects.toMatchObject({ code: '42601' });
    expect(await notes()).toHaveLength(2);
  });

  it('aborts a transaction at its failure: the rollback after it undoes the statements before it', async () => {
    await expect(
      inOneRoundTrip(client, [statement('begin'), statement('delete from note where id = ?', 2), statement('insert into note (id, body) values (?, null)', 5)]),
    ).rejects.toMatchObject({ code: '23502' });
    // The batch settles at the error, before the server's ReadyForQuery is read, so the client's
    // transaction status may not say so yet; the next statement waits for it, and is refused.
    await expect(inOneRoundTrip(client, [statement('select 1')])).rejects.toMatchObject({ code: '25P02' });
    expect(client.getTransactionStatus()).toBe('E');
    await inOneRoundTrip(client, [statement('rollback')]);
    expect(await notes()).toHaveLength(2);
  });
});
