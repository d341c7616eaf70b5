import { MikroORM } from '@mikro-orm/sqlite';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './entities.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';
import type { DatabaseTarget } from './database-url.js';

export type Database = MikroORM;

// Pragmas run on every new connection: WAL lets readers and a writer share the file,
// busy_timeout makes a second process wait for the write lock instead of failing at once.
const SQLITE_PRAGMAS = ['pragma journal_mode = wal', 'pragma busy_timeout = 5000', 'pragma foreign_keys = on'];

interface SqliteConnectionHandle {
  exec(sql: string, done: (err: Error | null) => void): void;
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return MikroORM.init({
    dbName: target.path,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList: sqliteMigrations, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: {
      afterCreate(conn: SqliteConnectionHandle, done: (err: Error | null, conn: unknown) => void) {
        conn.exec(SQLITE_PRAGMAS.join(';'), (err) => done(err, conn));
      },
    },
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: true },
  });
}
