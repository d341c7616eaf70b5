import pg from 'pg';
import sqlite3 from 'sqlite3';

/** Runs one SQL statement straight against a test database (behind the server's back). */
export async function sql<T = Record<string, unknown>>(databaseUrl: string, text: string): Promise<T[]> {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = new sqlite3.Database(databaseUrl.slice('sqlite:'.length));
    try {
      return await new Promise<T[]>((resolve, reject) => file.all(text, (error, rows) => (error ? reject(error) : resolve(rows as T[]))));
    } finally {
      await new Promise<void>((resolve) => file.close(() => resolve()));
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
