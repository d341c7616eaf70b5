import pg from 'pg';
import Sqlite from 'better-sqlite3';

/** Runs one SQL statement straight against a test database (behind the server's back). */
export async function sql<T = Record<string, unknown>>(databaseUrl: string, text: string): Promise<T[]> {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = new Sqlite(databaseUrl.slice('sqlite:'.length), { timeout: 5_000 });
    try {
      const statement = file.prepare(text);
      return statement.reader ? (statement.all() as T[]) : (statement.run(), []);
    } finally {
      file.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}
