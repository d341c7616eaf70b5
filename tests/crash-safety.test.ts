import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, testDrivers } from '@escape-room/test-utils';
import { call, fixedHours } from './support/http.js';
import { everyBooking, expectNoDoubleBooking } from './support/invariants.js';
import { UndocumentedResponseError } from './support/openapi.js';
import { startReceiver, type Receiver } from '@escape-room/test-utils/receiver';
import { startInbox } from '@escape-room/test-utils/smtp';
import { TEST_ADMIN_KEY, startServer } from './support/server.js';

const { holdBody } = fixedHours();

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 3);
const CONCURRENCY = 16;
const ACKS_BEFORE_KILL = 40;

interface Tracked {
  /** The status of the last operation the server acknowledged. */
  acked: string;
  /** Statuses a request sent after that (and never answered) may have left instead. */
  maybe: Set<string>;
  room: number;
  start: string;
  end: string;
}

const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

/** The whole event log, page by page. */
async function everyEvent(url: string): Promise<{ id: string; type: string; data: { booking: { id: string } } }[]> {
  const all = [];
  let cursor = '';
  do {
    const page = await call(url, 'GET', `/api/v1/admin/events?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: admin });
    expect(page.status).toBe(200);
    all.push(...page.body.events);
    cursor = page.body.next_cursor ?? '';
  } while (cursor);
  return all;
}

describe.each(testDrivers())('crash safety on %s', (driver) => {
  let db: Awaited<ReturnType<typeof emptyDatabase>>;
  beforeAll(async () => {
    db = await emptyDatabase(driver);
  });
// eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- still undefined if beforeAll failed
  afterAll(() => db?.dispose());

  it(`${ROUNDS} rounds of SIGKILL mid-burst lose no acknowledged operation, never double-book, and lose no event`, async () => {
    const tracked = new Map<string, Tracked>();
    let acknowledged = 0;
    // Every change is owed to this endpoint: each SIGKILL lands between commits and deliveries.
    const receiver: Receiver = await startReceiver();
    // And every confirmation owes the guest an email: each SIGKILL lands between commits and sends.
    const inbox = await startInbox();
    const env = {
      DATABASE_URL: db.url,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_TIMEOUT_SECONDS: '1',
      SMTP_URL: inbox.url,
      MAIL_FROM: 'bookings@crash.example',
      MAIL_TIMEOUT_SECONDS: '1',
    };
    for (let round = 0; round < ROUNDS; round++) {
      const server = await startServer(env);
      if (round === 0) {
        const events = ['booking.held', 'booking.confirmed', 'booking.released', 'booking.expired'];
        const created = await call(server.url, 'POST', '/api/v1/admin/webhooks', { body: { url: receiver.url, events }, headers: admin });
        expect(created.status).toBe(201);
      }
      let killed = false;
      let sent = 0;
      // Kill in the middle of the burst: once it is well under way, after a slightly random
      // number of acknowledgements, so the other lanes are caught at every stage of a request.
      const killAfter = acknowledged + ACKS_BEFORE_KILL + Math.floor(Math.random() * CONCURRENCY);
      let underWay!: () => void;
      const wellUnderWay = new Promise<void>((resolve) => (underWay = resolve));
      const acked = () => {
        if (++acknowledged >= killAfter) underWay();
      };
      const worker = async (lane: number) => {
        while (!killed) {
          const n = sent++;
          const pendingIds = [...tracked].filter(([, t]) => t.acked === 'pending').map(([id]) => id);
          try {
            if (n % 3 === 2 && pendingIds.length > 0) {
              const id = pendingIds[(n * 7 + lane) % pendingIds.length]!;
              const [method, action, next] = n % 2 ? ['PUT', 'confirm', 'confirmed'] : ['DELETE', 'release', 'released'];
              tracked.get(id)!.maybe.add(next);
              const response = await call(server.url, method, `/api/v1/bookings/${id}/${action}`);
              if (response.status === 200) {
                tracked.set(id, { ...tracked.get(id)!, acked: response.body.booking.status, maybe: new Set() });
                acked();
              }
            } else {
              // Contested slots on purpose: 10 rooms x 12 hours per round.
              const body = holdBody(1 + (n % 10), 24 + round * 12 + ((n * 13) % 12), `crash${round}-${n}@example.com`);
              const response = await call(server.url, 'POST', '/api/v1/bookings', { body });
              if (response.status === 201) {
                const b = response.body.booking;
                tracked.set(b.id, { acked: 'pending', maybe: new Set(), room: b.room_id, start: b.start_date, end: b.end_date });
                acked();
              } else {
                expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
              }
            }
          } catch (error) {
            if (error instanceof UndocumentedResponseError) throw error;
            // The connection died with the server: the outcome of this request is unknown.
          }
        }
      };
      const lanes = Array.from({ length: CONCURRENCY }, (_, lane) => worker(lane));
      const diedEarly = once(server.child, 'exit').then(() => {
        if (!killed) throw new Error(`the server exited by itself in round ${round}`);
      });
      await Promise.race([wellUnderWay, diedEarly]);
      killed = true;
      await server.stop('SIGKILL');
      await Promise.all(lanes);
    }

    const survivor = await startServer(env);
    try {
      const stored = new Map((await everyBooking(survivor.url)).map((b) => [b.id, b]));
      for (const [id, expected] of tracked) {
        const booking = stored.get(id);
        expect(booking, `acknowledged booking ${id} is gone`).toBeDefined();
        const allowed = new Set([expected.acked, ...expected.maybe]);
        expect(allowed.has(booking!.status), `${id}: ${booking!.status}, acknowledged ${expected.acked}`).toBe(true);
      }
      expectNoDoubleBooking([...stored.values()]);
      expect((await call(survivor.url, 'POST', '/api/v1/bookings', { body: holdBody(1, 200) })).status).toBe(201);
      // Each acknowledged booking's change is an event, and every event reaches the endpoint.
      const events = await everyEvent(survivor.url);
      const held = new Set(events.filter((e) => e.type === 'booking.held').map((e) => e.data.booking.id));
      for (const id of tracked.keys()) expect(held.has(id), `acknowledged booking ${id} has no booking.held event`).toBe(true);
      for (const event of events) await receiver.next(`event ${event.id} (${event.type})`, (request) => request.webhookId === event.id);
      const received = new Set(receiver.requests.map((r) => r.webhookId));
      // Every committed confirmation's email reaches the SMTP server, under its event's Message-ID.
      const confirmations = events.filter((e) => e.type === 'booking.confirmed');
      for (const event of confirmations) {
        const id = `<${event.id}@crash.example>`;
        await inbox.next(`the email of ${event.id}`, (mail) => mail.messageId === id && mail.answeredWith === 250);
      }
      const emailed = new Set(inbox.accepted().map((mail) => mail.messageId));
      process.stdout.write(
        `crash safety on ${driver}: ${ROUNDS} rounds, ${acknowledged} acknowledged operations, ${tracked.size} bookings checked, ` +
          `${events.length} events all delivered (${receiver.requests.length - received.size} sent twice), ` +
          `${confirmations.length} confirmation emails all sent (${inbox.accepted().length - emailed.size} sent twice)\n`,
      );
      expect(acknowledged).toBeGreaterThanOrEqual(ROUNDS * ACKS_BEFORE_KILL);
    } finally {
      await survivor.stop();
      await receiver.close();
      await inbox.close();
    }
  });
});
