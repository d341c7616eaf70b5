import { isAbsolute, resolve } from 'node:path';

/**
 * When a SQLite commit reaches the disk. `normal` (WAL's usual setting): a commit survives a
 * crash of the process, and a power cut may undo the latest commits but never leaves the file
 * inconsistent. `full`: every commit is flushed to the disk before it is acknowledged.
 */
export const SQLITE_SYNCHRONOUS_MODES = ['normal', 'full'] as const;
type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS_MODES)[number];

export interface SqliteTarget {
  driver: 'sqlite';
  /** Absolute path of the database file, or `:memory:`. */
  path: string;
  /** Default `normal`. */
  synchronous?: SqliteSynchronous;
}

export interface PostgresTarget {
  driver: 'postgresql';
  /** A libpq connection URL: postgres://user:password@host:port/database */
  url: string;
}

export type DatabaseTarget = SqliteTarget | PostgresTarget;

/** The URL with its password masked, for logs and messages. */
function redactDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * Reads `sqlite:PATH` (relative paths resolve against `baseDir`), `sqlite::memory:`, or
 * `postgres://…` / `postgresql://…`. Returns an error message instead of throwing, so
 * configuration can report it by variable name.
 */
export function parseDatabaseUrl(url: string, baseDir: string): DatabaseTarget | string {
  if (url.startsWith('sqlite:')) {
    const raw = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (raw === '') return 'sqlite: needs a file path, e.g. sqlite:data/escape-room.sqlite';
    if (raw === ':memory:') return { driver: 'sqlite', path: raw };
    return { driver: 'sqlite', path: isAbsolute(raw) ? raw : resolve(baseDir, raw) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      const parsed = new URL(url);
      if (!parsed.hostname || parsed.pathname.length <= 1) return 'a PostgreSQL URL needs a host and a database name';
    } catch {
      return `"${redactDatabaseUrl(url)}" is not a valid PostgreSQL URL`;
    }
    return { driver: 'postgresql', url };
  }
  return `unsupported database URL "${redactDatabaseUrl(url)}": expected sqlite:PATH or postgres://…`;
}

/** The same for callers with no variable to name in the message (tests, the benchmark): throws it instead. */
export function databaseTarget(url: string, baseDir = process.cwd()): DatabaseTarget {
  const target = parseDatabaseUrl(url, baseDir);
  if (typeof target === 'string') throw new Error(target);
  return target;
}
