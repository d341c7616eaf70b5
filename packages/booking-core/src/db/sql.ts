import type Sqlite from 'better-sqlite3';
import type pg from 'pg';
import { driverOf, nativePgPool, nativeSqlite, type Database } from './orm.js';
import { inOneRoundTrip, type BatchResult } from './pg-batch.js';

// The raw connections under the ORM: better-sqlite3's database, pg's clients.
type SqliteConnection = Sqlite.Database;
type PgConnection = pg.ClientBase;

export type SqlValue = string | number | null;

/** A nullable bigint column as read: PostgreSQL hands bigints over as strings, SQLite as numbers. */
export const optionalNumber = (value: number | string | null): number | null => (value === null ? null : Number(value));

/** A statement with `?` placeholders and its parameters, in order. */
export interface Statement {
  text: string;
  params: readonly SqlValue[];
}

/** Hand-written SQL. */
export interface Sql {
  /** The rows a query returns. */
  all<Row>(statement: Statement): Promise<Row[]>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(statement: Statement): Promise<number>;
}

/** Hand-written SQL inside one transaction, on one connection. */
export interface TransactionSql extends Sql {
  /**
   * The clause that makes a select lock the rows it reads until the transaction ends:
   * ` for update` on PostgreSQL; empty on SQLite, whose write transactions hold the whole file.
   */
  forUpdate: string;
  /** ` for update skip locked` on PostgreSQL, so concurrent claimers each take other rows; empty on SQLite. */
  forUpdateSkipLocked: string;
  /**
   * Whether one statement may write to several tables (`with … insert … returning`): on
   * PostgreSQL, where every statement is a round trip, writes that go together go as one.
   * SQLite has no such statements, and its statements cost no round trip.
   */
  writingCtes: boolean;
  /**
   * Lets this transaction's commit return before its log reaches the disk (PostgreSQL's
   * `synchronous_commit = off`; SQLite commits without waiting for the disk already). Only for
   * writes a crash may lose without harm, as a lease or an attempt's record under at-least-once:
   * the row simply goes out again.
   */
  commitWithoutFlush(): Promise<void>;
  /**
   * Several statements in one round trip (PostgreSQL: prepared statements, see pg-batch.ts), run
   * one after the other, each seeing what the ones before it did, as `all` would run them in turn.
   * Absent where statements cost no round trip (SQLite): use `allInTurn`.
   */
  inOneTrip?(statements: readonly Statement[]): Promise<unknown[][]>;
  /**
   * Runs `statement` as the transaction's last, and commits: on PostgreSQL the commit rides in
   * the statement's round trip, and it resolves once both are done. SQLite runs the statement,
   * and its group commits after the work. Nothing may run in the transaction after it.
   */
  lastly(statement: Statement): Promise<{ rows: unknown[]; changed: number }>;
  /**
   * `step` as the steps that run its statement walking the index of its `order by` and stopping at its
   * `limit`, never reading every match to sort them. A leased queue's claim needs this: its
   * backlog can grow by thousands in a minute, and PostgreSQL plans by statistics that autovacuum
   * refreshes later. Planned on the statistics of its empty table, a claim of 48 from a backlog
   * of 20,000 read and sorted all of them: 96 ms instead of 1 ms. So sorting is off for that one
   * statement. SQLite's planner takes the index that gives the order by itself.
   */
  inIndexOrder(step: Step): Step[];
}

/** A statement whose rows are wanted (`all`), or one only run (`run`: its rows, if any, are not read). */
export type Step = { all: Statement } | { run: Statement };

/** The statements of `steps`, run in turn, in one round trip where the database can: the rows of each `all`. */
export async function allInTurn(sql: TransactionSql, steps: readonly Step[]): Promise<unknown[][]> {
  if (sql.inOneTrip) return sql.inOneTrip(steps.map((step) => ('all' in step ? step.all : step.run)));
  const rows: unknown[][] = [];
  for (const step of steps) rows.push('all' in step ? await sql.all(step.all) : (await sql.run(step.run), []));
  return rows;
}

export interface SqlRunner extends Sql {
  /** Runs `work` in one transaction on one connection; commits if it resolves, rolls back if not. */
  transaction<T>(work: (sql: TransactionSql) => Promise<T>): Promise<T>;
}

/**
 * A statement's text as SQLite is given it: each parameter as `+?`, the same value (unary plus
 * changes nothing, not even a text's type) in an expression the planner does not look into.
 * Once the database has been analysed (`ANALYZE`, or a `PRAGMA optimize` that runs it), SQLite
 * plans a statement whose WHERE compares an indexed column with a bare parameter on the value
 * bound, and so compiles it again every time a value is bound, which better-sqlite3 does on
 * every run. The benchmark's database is analysed after seeding: a hold's check took 110 µs in
 * the server, 40 µs alone, and 10 µs as `+?`, with the same plan.
 */
export const sqliteText = (text: string): string => text.replace(/\?/g, '+?');

/**
 * better-sqlite3 runs a prepared statement synchronously, in microseconds: preparing it again
 * for every call (as the query builder's path does) cost more than running it.
 */
function sqliteSql(connection: SqliteConnection): TransactionSql {
  const prepared = new Map<string, Sqlite.Statement>();
  const prepare = (text: string) => {
    let statement = prepared.get(text);
    if (!statement) prepared.set(text, (statement = connection.prepare(sqliteText(text))));
    return statement;
  };
  return {
    forUpdate: '',
    forUpdateSkipLocked: '',
    writingCtes: false,
    commitWithoutFlush: () => Promise.resolve(),
    inIndexOrder: (step) => [step],
    async lastly({ text, params }) {
      const statement = prepare(text);
      if (!statement.reader) return { rows: [], changed: statement.run(...params).changes };
      const rows = statement.all(...params);
      return { rows, changed: rows.length };
    },
    async all<Row>({ text, params }: Statement) {
      return prepare(text).all(...params) as Row[];
    },
    async run({ text, params }: Statement) {
      return prepare(text).run(...params).changes;
    },
  };
}

/**
 * Connections whose transaction has begun in name only: their `begin` rides with the first
 * statement (one round trip fewer per transaction; a transaction's round trips were most of
 * a hold's time, each one a wait behind every other request on a busy machine).
 */
const beginOwed = new WeakSet<PgConnection>();
/** Connections whose transaction's commit rode with its last statement (see `lastly`): there is nothing left to commit. */
const committed = new WeakSet<PgConnection>();

const control = (text: string): Statement => ({ text, params: [] });
const BEGIN = control('begin');
const COMMIT = control('commit');
const ENDS = { commit: COMMIT, rollback: control('rollback') };
const SORT_OFF = control('set local enable_sort = off');
const SORT_AS_CONFIGURED = control('set local enable_sort to default');
const WITHOUT_FLUSH = control('set local synchronous_commit = off');

function pgSql(connection: PgConnection): TransactionSql {
  // Every statement goes through one round trip of prepared statements, the `begin` owed first.
  const trip = async (statements: readonly Statement[]): Promise<BatchResult[]> => {
    const begin = beginOwed.delete(connection);
    const results = await inOneRoundTrip(connection, begin ? [BEGIN, ...statements] : statements);
    return begin ? results.slice(1) : results;
  };
  /** The first statement's result, of a trip that may end with more (a commit). */
  const first = async (statements: readonly Statement[]): Promise<BatchResult> => {
    const [result] = await trip(statements);
    if (!result) throw new Error('a statement returned no result');
    return result;
  };
  return {
    forUpdate: ' for update',
    forUpdateSkipLocked: ' for update skip locked',
    writingCtes: true,
    async commitWithoutFlush() {
      await trip([WITHOUT_FLUSH]);
    },
    inIndexOrder: (step) => [{ run: SORT_OFF }, step, { run: SORT_AS_CONFIGURED }],
    async inOneTrip(statements) {
      return (await trip(statements)).map((result) => result.rows);
    },
    async lastly(statement) {
      const result = await first([statement, COMMIT]);
      committed.add(connection);
      return { rows: result.rows, changed: result.rowCount };
    },
    async all<Row>(statement: Statement) {
      return (await first([statement])).rows as Row[];
    },
    async run(statement: Statement) {
      return (await first([statement])).rowCount;
    },
  };
}

/**
 * `begin` is owed to the first statement, and a commit may have ridden with the last: a
 * transaction that sent no statement has nothing to commit or roll back, nor one already committed.
 */
async function pgExec(connection: PgConnection, text: 'begin' | 'commit' | 'rollback'): Promise<void> {
  if (text === 'begin') {
    committed.delete(connection);
    beginOwed.add(connection);
  } else if (!beginOwed.delete(connection) && !committed.delete(connection)) {
    await inOneRoundTrip(connection, [ENDS[text]]);
  }
}

/** A connection for the duration of `work`, and back where it came from afterwards. */
type Lease<Connection> = <T>(work: (connection: Connection) => Promise<T>) => Promise<T>;

/** A leased connection with its bound statements, for the duration of `work`. */
type Use<Connection> = <T>(work: (sql: TransactionSql, connection: Connection) => Promise<T>) => Promise<T>;

/** How a database's runner turns `work` into a committed transaction. */
type Transactions<Connection> = (use: Use<Connection>) => SqlRunner['transaction'];

function createRunner<Connection extends object>(
  lease: Lease<Connection>,
  bind: (connection: Connection) => TransactionSql,
  transactions: Transactions<Connection>,
): SqlRunner {
  const bound = new WeakMap<Connection, TransactionSql>();
  const use: Use<Connection> = (work) =>
    lease((connection) => {
      let sql = bound.get(connection);
      if (!sql) bound.set(connection, (sql = bind(connection)));
      return work(sql, connection);
    });
  return {
    all: (statement) => use((sql) => sql.all(statement)),
    run: (statement) => use((sql) => sql.run(statement)),
    transaction: transactions(use),
  };
}

/** PostgreSQL: each transaction on a connection of its own, begun, worked and committed alone. */
const oneByOne: Transactions<PgConnection> = (use) => (work) =>
  use(async (sql, connection) => {
    await pgExec(connection, 'begin');
    try {
      const result = await work(sql);
      await pgExec(connection, 'commit');
      return result;
    } catch (error) {
      // The first failure is the one worth reporting; a failed rollback leaves nothing committed either.
      await pgExec(connection, 'rollback').catch(() => undefined);
      throw error;
    }
  });

/**
 * How many transactions one SQLite commit takes at most. The group holds the write lock while
 * its works run one after another, so another process waits at most this many works' time.
 */
export const MAX_GROUP_COMMIT = 32;

/** A transaction waiting for its group. */
interface Queued {
  work: (sql: TransactionSql) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The transaction-control statements of one connection, prepared once (`exec` compiles its text on every call). */
interface Control {
  begin: Sqlite.Statement;
  commit: Sqlite.Statement;
  rollback: Sqlite.Statement;
  savepoint: Sqlite.Statement;
  release: Sqlite.Statement;
  undo: Sqlite.Statement;
}
const controls = new WeakMap<SqliteConnection, Control>();
function controlOf(connection: SqliteConnection): Control {
  let control = controls.get(connection);
  if (!control) {
    control = {
      // IMMEDIATE takes the write lock before the first read, so what a work reads stays true
      // even when another process shares the file.
      begin: connection.prepare('begin immediate'),
      commit: connection.prepare('commit'),
      rollback: connection.prepare('rollback'),
      savepoint: connection.prepare('savepoint work'),
      release: connection.prepare('release work'),
      undo: connection.prepare('rollback to work'),
    };
    controls.set(connection, control);
  }
  return control;
}

/**
 * Runs a group of works in one SQLite transaction, each in a savepoint of its own: a work that
 * fails is rolled back alone and hears its own error; the others commit together, and only then
 * hear their results. Should SQLite end the transaction itself (a full disk, say), the works
 * done in it hear that error, as their commit would have told them; the rest begin again.
 */
async function commitGroup(sql: TransactionSql, connection: SqliteConnection, group: readonly Queued[]): Promise<void> {
  const control = controlOf(connection);
  // Asked afresh each time: SQLite may end the transaction itself, whatever was checked before.
  const open = () => connection.inTransaction;
  let done: { queued: Queued; value: unknown }[] = [];
  const lose = (error: unknown) => {
    for (const { queued } of done) queued.reject(error);
    done = [];
  };
  for (const [i, queued] of group.entries()) {
    if (!open()) {
      try {
        control.begin.run();
      } catch (error) {
        // Busy (another process holds the write lock) or worse: every work left hears it, and a
        // transient error sends each back to its own retry.
        for (const rest of group.slice(i)) rest.reject(error);
        return;
      }
    }
    control.savepoint.run();
    let value: unknown;
    try {
      value = await queued.work(sql);
      control.release.run();
    } catch (error) {
      try {
        if (!open()) throw error;
        control.undo.run();
        control.release.run();
      } catch (lost) {
        if (open()) control.rollback.run();
        lose(lost);
      }
      queued.reject(error);
      continue;
    }
    done.push({ queued, value });
  }
  if (open()) {
    try {
      control.commit.run();
    } catch (error) {
      if (open()) control.rollback.run();
      lose(error);
    }
  }
  for (const { queued, value } of done) queued.resolve(value);
}

/**
 * SQLite: group commit. A transaction does not begin at once: those asked for while the event
 * loop handles one round of requests are run at its end (`setImmediate`), in order, in one
 * transaction (see commitGroup). Each still answers only after its commit, and sees the ones
 * before it as a later transaction would. A commit writes every page its transaction changed to
 * the WAL, and most pages a hold changes are the same few (the tables' and indexes' last pages):
 * in the benchmark's holds, committing them once per group saved what the profile showed as the
 * largest single cost of a hold, `begin` and `commit` (see the bench note in the README).
 */
const groupCommitted: Transactions<SqliteConnection> = (use) => {
  const queue: Queued[] = [];
  let scheduled = false;
  const runGroup = () => {
    scheduled = false;
    const group = queue.splice(0, MAX_GROUP_COMMIT);
    if (queue.length > 0) schedule();
    use(async (sql, connection) => {
      try {
        await commitGroup(sql, connection, group);
      } catch (error) {
        // Nothing of a group that broke off commits, not even with the next group.
        if (connection.inTransaction) controlOf(connection).rollback.run();
        throw error;
      }
    }).catch((error: unknown) => {
      for (const queued of group) queued.reject(error);
    });
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(runGroup);
  };
  return <T>(work: (sql: TransactionSql) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      schedule();
    });
};

/**
 * SQLite: the ORM's one better-sqlite3 connection, taken under the ORM's own connection lock
 * (kysely's), so hand-written statements and the ORM's queries take turns on it and a
 * transaction here never interleaves with another request's statements.
 */
function sqliteLease(db: Database): Lease<SqliteConnection> {
  const client = db.em.getConnection().getClient();
  let native: Promise<SqliteConnection> | undefined;
  return async (work) => {
    const connection = await (native ??= nativeSqlite(db));
    return client.connection().execute(() => work(connection));
  };
}

/** PostgreSQL: a client of the ORM's own pg pool. */
function pgLease(db: Database): Lease<PgConnection> {
  let pool: ReturnType<typeof nativePgPool> | undefined;
  return async (work) => {
    const client = await (await (pool ??= nativePgPool(db))).connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  };
}

const runners = new WeakMap<Database, SqlRunner>();

/**
 * Hand-written SQL for the hot paths, on the ORM's own connections (so an in-memory SQLite
 * database is the same one). The profile of the benchmark showed the query builder's work, not
 * the database's, as most of a read: these paths skip it. SQLite's transactions are committed in
 * groups (see groupCommitted).
 */
export function sqlRunner(db: Database): SqlRunner {
  let runner = runners.get(db);
  if (runner) return runner;
  runner =
    driverOf(db) === 'sqlite'
      ? createRunner(sqliteLease(db), sqliteSql, groupCommitted)
      : createRunner(pgLease(db), pgSql, oneByOne);
  runners.set(db, runner);
  return runner;
}
