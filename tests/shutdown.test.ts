import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import pg from 'pg';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyDatabase, testDrivers, type TestDriver } from '@escape-room/test-utils';
import { call, fixedHours } from './support/http.js';
import { startServer, type RunningServer } from './support/server.js';
import { sql } from './support/sql.js';
import { until } from './support/wait.js';

const { holdBody } = fixedHours();

/**
 * Blocks the server's next hold on room 1 from outside the server, the way a slow database
 * would: PostgreSQL through a row lock its insert must wait for, SQLite through the file's
 * write lock. Resolves to a function that lets it go.
 */
async function blockHolds(driver: TestDriver, url: string): Promise<() => Promise<void>> {
  if (driver === 'postgresql') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('begin');
    await client.query('select id from room where id = 1 for update');
    return async () => {
      await client.query('commit');
      await client.end();
    };
  }
  const file = new Sqlite(url.slice('sqlite:'.length));
  file.exec('begin immediate');
  return async () => {
    file.exec('commit');
    file.close();
  };
}

/**
 * Whether the server's hold has reached the database and waits there: on PostgreSQL a backend
 * waiting for a lock; on SQLite (whose busy writes retry in the server) the request received.
 */
async function holdIsWaiting(driver: TestDriver, url: string, server: RunningServer): Promise<boolean> {
  if (driver === 'postgresql') {
    const waiting = await sql(url, "select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
    return waiting.length > 0;
  }
  return server.logs.some((line) => line.includes('"incoming request"') && line.includes('"url":"/api/v1/bookings"'));
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 connection driven by hand, to send a request in pieces: fetch cannot leave a
 * request half-sent on a connection, which is how a request arrives during a drain.
 */
function rawConnection(serverUrl: string) {
  const { hostname, port } = new URL(serverUrl);
  const socket: Socket = connect(Number(port), hostname);
  let received = '';
  let waiting: (() => void) | undefined;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk;
    waiting?.();
  });
  socket.on('close', () => waiting?.());

  /** The next complete response (every answer here carries a Content-Length). */
  async function nextResponse(): Promise<RawResponse> {
    for (;;) {
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd >= 0) {
        const [statusLine, ...lines] = received.slice(0, headEnd).split('\r\n');
        const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
        const length = Number(headers['content-length']);
        if (received.length >= headEnd + 4 + length) {
          const body = Buffer.from(received.slice(headEnd + 4, headEnd + 4 + length), 'latin1').toString('utf8');
          received = received.slice(headEnd + 4 + length);
          return { status: Number(statusLine!.split(' ')[1]), headers, body };
        }
      }
      if (socket.destroyed) throw new Error(`connection closed before a whole response:\n${received}`);
      await new Promise<void>((resolve) => (waiting = resolve));
    }
  }
  return { send: (text: string) => socket.write(text, 'latin1'), nextResponse, close: () => socket.destroy() };
}

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

describe.each(testDrivers())('graceful shutdown on %s', (driver) => {
  it('SIGTERM lets an in-flight hold finish, refuses new connections and late requests, then exits 0', async () => {
    const db = await emptyDatabase(driver);
    dispose = db.dispose;
    const server = await startServer({ DATABASE_URL: db.url });
    const release = await blockHolds(driver, db.url);

    // A keep-alive connection with the next request half-sent is not idle, so the drain keeps
    // it open. The answer to the first request proves the server has read the half as well.
    const late = rawConnection(server.url);
    late.send('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\nGET /api/v1/rooms HTTP/1.1\r\nHost: localhost\r\n');
    expect((await late.nextResponse()).status).toBe(200);

    let settled = false;
    const inFlight = call(server.url, 'POST', '/api/v1/bookings', { body: holdBody(1, 24) }).finally(() => {
      settled = true;
    });
    await until('the hold waits on the blocked database', () => holdIsWaiting(driver, db.url, server));
    expect(settled).toBe(false);

    const exited = server.stop('SIGTERM');
    const closed = () => fetch(`${server.url}/healthz`).then((r) => r.arrayBuffer().then(() => false), () => true);
    await until('the server stops taking connections', closed);
    expect(server.child.exitCode).toBeNull(); // still finishing the hold
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow(); // no longer accepting
    expect(settled).toBe(false);

    // The half-sent request, completed now, is refused with the contract's error body.
    late.send('\r\n');
    const refused = await late.nextResponse();
    late.close();
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toContain('application/json');
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.body)).toEqual({ code: 'SERVICE_UNAVAILABLE', message: expect.any(String) });

    await release();
    const response = await inFlight;
    expect(response.status).toBe(201);
    expect(await exited).toBe(0);
    // SQLite: the closing server copied the WAL into the file and removed it: one file to back up.
    if (driver === 'sqlite') expect(existsSync(`${db.url.slice('sqlite:'.length)}-wal`)).toBe(false);

    const restarted = await startServer({ DATABASE_URL: db.url });
    try {
      const stored = await call(restarted.url, 'GET', `/api/v1/bookings/${response.body.booking.id}`);
      expect(stored.body.booking.status).toBe('pending');
    } finally {
      await restarted.stop();
    }
  });
});
