import { isAbsolute, resolve } from 'node:path';

export interface SqliteTarget {
  driver: 'sqlite';
  /** Absolute path of the database file, or `:memory:`. */
  path: string;
}

export type DatabaseTarget = SqliteTarget;

/**
 * Reads `sqlite:PATH` (relative paths resolve against `baseDir`) or `sqlite::memory:`.
 * Returns an error message instead of throwing, so configuration can report it by variable name.
 */
export function parseDatabaseUrl(url: string, baseDir: string): DatabaseTarget | string {
  if (url.startsWith('sqlite:')) {
    const raw = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (raw === '') return 'sqlite: needs a file path, e.g. sqlite:data/escape-room.sqlite';
    if (raw === ':memory:') return { driver: 'sqlite', path: raw };
    return { driver: 'sqlite', path: isAbsolute(raw) ? raw : resolve(baseDir, raw) };
  }
  return `unsupported database URL "${url.replace(/\/\/[^@/]*@/, '//***@')}": expected sqlite:PATH`;
}
