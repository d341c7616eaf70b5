import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver, type PostgreSqlConnection } from '@mikro-orm/postgresql';
import type { AbstractSqlDriver } from '@mikro-orm/sql';
import { SqliteDriver, type SqliteConnection } from '@mikro-orm/sqlite';
import { CompiledQuery, type DatabaseConnection } from 'kysely';
import { entities } from './entities.js';
import { postgresqlMigrations } from './migrations/postgresql/index.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';
import type { DatabaseTarget, SqliteTarget } from './database-url.js';

export type Database = MikroORM<AbstractSqlDriver>;

/**
 * How long one SQLite statement waits for another process's write lock. better-sqlite3 is
 * synchronous, so a long wait would stall the whole event loop: it stays short and the service
 * retries a busy write asynchronously instead (see service/transaction.ts).
 */
export const SQLITE_BUSY_TIMEOUT_MS = 20;

/**
 * Run on the SQLite connection when it opens (MikroORM 7 has no pool hook: without these the
 * file would be in rollback-journal mode with a 5-second synchronous busy wait). WAL lets
 * readers of other processes and a writer share the file. synchronous is set explicitly (see
 * SqliteSynchronous), whatever the binding was built with. The page cache is 8 MiB: the overlap
 * indexes' hot pages fit, and the server stays inside its memory budget at a million bookings.
 */
const sqlitePragmas = (target: Pick<SqliteTarget, 'synchronous'>) => ({
  journal_mode: 'wal',
  busy_timeout: String(SQLITE_BUSY_TIMEOUT_MS),
  foreign_keys: 'on',
  cache_size: '-8000',
  synchronous: target.synchronous ?? 'normal',
});

function driverOptions(target: DatabaseTarget): Partial<Options<AbstractSqlDriver>> {
  if (target.driver === 'postgresql') {
    return {
      driver: PostgreSqlDriver,
      clientUrl: target.url,
      pool: { min: 0, max: 10 },
      migrations: { migrationsList: postgresqlMigrations },
    };
  }
  return {
    driver: SqliteDriver,
    dbName: target.path,
    async onCreateConnection(connection) {
      for (const [name, value] of Object.entries(sqlitePragmas(target))) {
        await (connection as DatabaseConnection).executeQuery(CompiledQuery.raw(`pragma ${name} = ${value}`));
      }
    },
    migrations: { migrationsList: sqliteMigrations },
  };
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  const options = driverOptions(target);
  return MikroORM.init<AbstractSqlDriver>({
    ...options,
    entities,
    extensions: [Migrator],
    migrations: { ...options.migrations, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    allowGlobalContext: false,
    // The guards against double booking are triggers the migrations install; the entities do not restate them.
    schemaGenerator: { ignoreTriggers: true },
    discovery: { warnWhenNoEntities: true },
  });
}

export function driverOf(db: Database): DatabaseTarget['driver'] {
  return db.config.getDriver() instanceof PostgreSqlDriver ? 'postgresql' : 'sqlite';
}

// The drivers' own clients under the ORM, for the hot paths and the migration lock: one cast
// each, safe because the ORM was built for that driver (driverOf).

/** SQLite: the ORM's one better-sqlite3 database. Use it only under the ORM's connection lock. */
export function nativeSqlite(db: Database): ReturnType<SqliteConnection['getNativeClient']> {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- the ORM built it for this driver
  return (db.em.getConnection() as SqliteConnection).getNativeClient();
}

/** PostgreSQL: the ORM's pg pool. */
export function nativePgPool(db: Database): ReturnType<PostgreSqlConnection['getNativeClient']> {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- the ORM built it for this driver
  return (db.em.getConnection() as PostgreSqlConnection).getNativeClient();
}
