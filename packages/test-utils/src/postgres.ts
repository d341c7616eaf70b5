import { randomBytes } from 'node:crypto';
import pg from 'pg';

const CI_DEFAULT = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The PostgreSQL server the tests may create databases on. In CI it is required (the
 * machine runs one); elsewhere the PostgreSQL suites run only when TEST_POSTGRES_URL is set.
 */
export function postgresAdminUrl(): string | undefined {
  // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing -- an empty TEST_POSTGRES_URL means unset
  return process.env.TEST_POSTGRES_URL || (process.env.CI ? CI_DEFAULT : undefined);
}

export type TestDriver = 'sqlite' | 'postgresql';

/** The drivers every database-backed suite runs on. */
export function testDrivers(): TestDriver[] {
  return postgresAdminUrl() ? ['sqlite', 'postgresql'] : ['sqlite'];
}

export const POSTGRES_SKIP_NOTICE =
  `PostgreSQL suites skipped: set TEST_POSTGRES_URL=${CI_DEFAULT} (or any server you may create databases on) to run them.`;

function requiredAdminUrl(): string {
  const url = postgresAdminUrl();
  if (!url) throw new Error(POSTGRES_SKIP_NOTICE);
  return url;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = requiredAdminUrl();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A uniquely named, empty database, and a way to drop it (even with connections left open). */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `escape_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`create database ${name}`));
  const url = new URL(requiredAdminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
