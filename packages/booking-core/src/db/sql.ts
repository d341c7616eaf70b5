import type Sqlite from 'better-sqlite3';
import type pg from 'pg';
import { driverOf, nativePgPool, nativeSqlite, type Database } from './orm.js';

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
}

export interface SqlRunner extends Sql {
  /** Runs `work` in one transaction on one connection; commits if it resolves, rolls back if not. */
  transaction<T>(work: (sql: TransactionSql) => Promise<T>): Promise<T>;
}

/**
 * better-sqlite3 runs a prepared statement synchronously, in microseconds: preparing it again
 * for every call (as the query builder's path does) cost more than running it.
 */
function sqliteSql(connection: SqliteConnection): TransactionSql {
  const prepared = new Map<string, Sqlite.Statement>();
  const prepare = (text: string) => {
    let statement = prepared.get(text);
    if (!statement) prepared.set(text, (statement = connection.prepare(text)));
    return statement;
  };
  return {
    forUpdate: '',
    forUpdateSkipLocked: '',
    writingCtes: false,
    commitWithoutFlush: () => Promise.resolve(),
    async all<Row>({ text, params }: Statement) {
      return prepare(text).all(...params) as Row[];
    },
    async run({ text, params }: Statement) {
      return prepare(text).run(...params).changes;
    },
  };
}

/** PostgreSQL numbers its placeholders; each text becomes a named statement the server plans once per connection. */
const pgTexts = new Map<string, { name: string; text: string }>();
function pgText(text: string): { name: string; text: string } {
  let named = pgTexts.get(text);
  if (!named) {
    let n = 0;
    named = { name: `hot_${pgTexts.size}`, text: text.replace(/\?/g, () => `$${++n}`) };
    pgTexts.set(text, named);
  }
  return named;
}

function pgSql(connection: PgConnection): TransactionSql {
  const query = ({ text, params }: Statement) => connection.query({ ...pgText(text), values: [...params] });
  return {
    forUpdate: ' for update',
    forUpdateSkipLocked: ' for update skip locked',
    writingCtes: true,
    async commitWithoutFlush() {
      await connection.query('set local synchronous_commit = off');
    },
    async all<Row>(statement: Statement) {
      return (await query(statement)).rows as Row[];
    },
    async run(statement: Statement) {
      return (await query(statement)).rowCount ?? 0;
    },
  };
}

/** A connection for the duration of `work`, and back where it came from afterwards. */
type Lease<Connection> = <T>(work: (connection: Connection) => Promise<T>) => Promise<T>;

function createRunner<Connection extends object>(
  lease: Lease<Connection>,
  bind: (connection: Connection) => TransactionSql,
  begin: string,
  exec: (connection: Connection, text: string) => Promise<unknown>,
): SqlRunner {
  const bound = new WeakMap<Connection, TransactionSql>();
  const use = <T>(work: (sql: TransactionSql, connection: Connection) => Promise<T>): Promise<T> =>
    lease((connection) => {
      let sql = bound.get(connection);
      if (!sql) bound.set(connection, (sql = bind(connection)));
      return work(sql, connection);
    });
  return {
    all: (statement) => use((sql) => sql.all(statement)),
    run: (statement) => use((sql) => sql.run(statement)),
    transaction: (work) =>
      use(async (sql, connection) => {
        await exec(connection, begin);
        try {
          const result = await work(sql);
          await exec(connection, 'commit');
          return result;
        } catch (error) {
          // The first failure is the one worth reporting; a failed rollback leaves nothing committed either.
          await exec(connection, 'rollback').catch(() => undefined);
          throw error;
        }
      }),
  };
}

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
 * the database's, as most of a read: these paths skip it. SQLite transactions begin IMMEDIATE,
 * taking the write lock before the first read, so what they read stays true even when another
 * process shares the file.
 */
export function sqlRunner(db: Database): SqlRunner {
  let runner = runners.get(db);
  if (runner) return runner;
  runner =
    driverOf(db) === 'sqlite'
      ? createRunner(sqliteLease(db), sqliteSql, 'begin immediate', async (connection, text) => connection.exec(text))
      : createRunner(pgLease(db), pgSql, 'begin', (connection, text) => connection.query({ text }));
  runners.set(db, runner);
  return runner;
}
