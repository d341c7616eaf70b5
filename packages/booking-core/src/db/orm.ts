import { MikroORM, type Options } from '@mikro-orm/core';
import type { AbstractSqlDriver } from '@mikro-orm/knex';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { entities } from './entities.js';
import { postgresqlMigrations } from './migrations/postgresql/index.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';
import type { DatabaseTarget } from './database-url.js';

export type Database = MikroORM<AbstractSqlDriver>;

// Pragmas run on every new SQLite connection: WAL lets readers and a writer share the file,
// busy_timeout makes a second process wait for the write lock instead of failing at once.
const SQLITE_PRAGMAS = ['pragma journal_mode = wal', 'pragma busy_timeout = 5000', 'pragma foreign_keys = on'];
const SQLITE_CONNECTIONS = 4;

interface SqliteConnectionHandle {
  exec(sql: string, done: (err: Error | null) => void): void;
}

/**
 * Several connections to one SQLite file let reads run side by side (WAL: readers never
 * block the writer); writers still take turns on the file's lock, waiting through
 * busy_timeout and retried by the service. An in-memory database exists per connection,
 * so it gets exactly one.
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
    driver: SqliteDriver,
    dbName: target.path,
    pool: {
      ...sqlitePoolSize(target.path),
      afterCreate(conn: SqliteConnectionHandle, done: (err: Error | null, conn: unknown) => void) {
        conn.exec(SQLITE_PRAGMAS.join(';'), (err) => done(err, conn));
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
