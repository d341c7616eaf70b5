import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import type Sqlite from 'better-sqlite3';
import { MikroORM, type Options } from '@mikro-orm/core';
import type { AbstractSqlDriver } from '@mikro-orm/knex';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { entities } from './entities.js';
import { postgresqlMigrations } from './migrations/postgresql/index.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';
import type { DatabaseTarget, SqliteTarget } from './database-url.js';

export type Database = MikroORM<AbstractSqlDriver>;

/**
 * Run on every new SQLite connection. WAL lets readers and a writer share the file. better-sqlite3
 * is synchronous, so a wait for another process's write lock would stall the whole event loop:
 * busy_timeout stays short and the service retries a busy write asynchronously instead.
 * synchronous is set explicitly (see SqliteSynchronous), whatever the binding was built with.
 * The page cache is 8 MiB per connection (better-sqlite3 builds SQLite with 16): the overlap
 * indexes' hot pages fit, and the server's memory stays inside its budget at a million bookings.
 */
const SQLITE_BUSY_TIMEOUT_MS = 20;
const sqlitePragmas = (target: SqliteTarget) => [
  'journal_mode = wal',
  `busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`,
  'foreign_keys = on',
  'cache_size = -8000',
  `synchronous = ${target.synchronous ?? 'normal'}`,
];
const SQLITE_CONNECTIONS = 2;

/**
 * A second connection lets a read run while a write transaction holds the first one between
 * its statements (WAL: readers never block the writer, nor see its uncommitted rows). Writers
 * take turns in the service. An in-memory database exists per connection, so it gets exactly one.
 */
function sqlitePoolSize(path: string): { min: number; max: number } {
  return path === ':memory:' ? { min: 1, max: 1 } : { min: 1, max: SQLITE_CONNECTIONS };
}

function driverOptions(target: DatabaseTarget): Options<AbstractSqlDriver> {
  if (target.driver === 'postgresql') {
    return {
      driver: PostgreSqlDriver,
      clientUrl: target.url,
      pool: { min: 0, max: 10 },
      migrations: { migrationsList: postgresqlMigrations },
    } as Options<AbstractSqlDriver>;
  }
  return {
    driver: BetterSqliteDriver,
    dbName: target.path,
    pool: {
      ...sqlitePoolSize(target.path),
      afterCreate(conn: Sqlite.Database, done: (err: Error | null, conn: unknown) => void) {
        try {
          for (const pragma of sqlitePragmas(target)) conn.pragma(pragma);
          done(null, conn);
        } catch (error) {
          done(error as Error, conn);
        }
      },
    },
    migrations: { migrationsList: sqliteMigrations },
  } as Options<AbstractSqlDriver>;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  const options = driverOptions(target);
  return MikroORM.init<AbstractSqlDriver>({
    ...options,
    entities,
    extensions: [Migrator],
    migrations: { ...options.migrations, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: true },
  });
}

export function driverOf(db: Database): DatabaseTarget['driver'] {
  return db.config.getDriver() instanceof PostgreSqlDriver ? 'postgresql' : 'sqlite';
}
