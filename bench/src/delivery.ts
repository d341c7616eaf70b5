import { resolve } from 'node:path';
import { CreateWebhookInput } from '@escape-room/booking-core/contract';
import { databaseTarget, openDatabase } from '@escape-room/booking-core/db';
import { holdPolicyFromMinutes, systemClock } from '@escape-room/booking-core/domain';
import { createBookingService } from '@escape-room/booking-core/service';
import { spawnServer, type TestDriver } from '@escape-room/test-utils';
import { startReceiver, type ReceivedRequest } from '@escape-room/test-utils/receiver';
import * as hdr from 'hdr-histogram-js';
import { rssMb } from './proc.js';
import type { Check, Row } from './report.js';
import { addLapsedHolds, seedDatabase, serverEnv, SLOT_MS } from './seed.js';

// Webhook delivery by one server instance to a receiver on loopback, in two phases:
// - backlog: events the service wrote in bulk before the server started (a sweep expiring
//   lapsed holds), delivered as fast as the instance can: events per second, first arrival to last;
// - idle: one hold at a time over HTTP, the next only once the previous one's event arrived
//   and a short pause passed: commit-to-delivery latency of an instance with nothing else to do.

export const DELIVERY_SCENARIOS = ['delivery backlog', 'delivery idle'] as const;
export type DeliveryScenario = (typeof DELIVERY_SCENARIOS)[number];

/** The targets of issue 14, per instance. */
const MIN_EVENTS_PER_SECOND = 1_000;
const MAX_IDLE_P99_MS = 250;

const ROOMS = 10;
const SEEDED_BOOKINGS = 1_000;
/** Between idle samples: long enough for the dispatcher to have gone back to sleep. */
const IDLE_PAUSE_MS = 50;

export interface DeliveryRun {
  quick: boolean;
  drivers: TestDriver[];
  /** Where to write the server's CPU profiles, if anywhere. */
  cpuProf?: string | undefined;
  /** Another build of the server package to run (bench --server-dir). */
  serverDir?: string | undefined;
  log: (text: string) => void;
}

/** Registers the receiver and turns `count` lapsed holds into events, through the service, before any server runs. */
async function prepareBacklog(url: string, receiverUrl: string): Promise<number> {
  const db = await openDatabase(databaseTarget(url));
  try {
    const service = createBookingService({
      db,
      clock: systemClock,
      policy: holdPolicyFromMinutes(5),
      endpoints: { allowHttp: true, allowPrivateNetworks: true },
    });
    await service.createWebhook(CreateWebhookInput.parse({ url: receiverUrl, events: ['booking.held', 'booking.expired'], description: 'bench receiver' }));
    return (await service.sweep()).expiredHolds;
  } finally {
    await db.close(true);
  }
}

const row = (driver: string, scenario: DeliveryScenario, rate: number, latencies: hdr.Histogram | null, total: number, peakRssMb: number | null): Row => ({
  driver,
  rooms: ROOMS,
  bookings: SEEDED_BOOKINGS,
  // Not a share of a ceiling: the figure is the rate itself (events/s, or idle samples/s).
  scenario,
  ratio: 0,
  requestsPerSecond: rate,
  seconds: rate > 0 ? total / rate : 0,
  p50: latencies?.getValueAtPercentile(50) ?? 0,
  p95: latencies?.getValueAtPercentile(95) ?? 0,
  p99: latencies?.getValueAtPercentile(99) ?? 0,
  total,
  non2xx: 0,
  errors: 0,
  statuses: {},
  peakRssMb,
  // Its rate is events, not responses: per response, the server's CPU would say nothing.
  serverCpuMs: null,
});

/** The booking an event delivered is about. */
const bookingOf = (event: unknown) => (event as { data?: { booking?: { id?: string } } } | undefined)?.data?.booking?.id;

/** The delivery scenario on each driver: its rows and checks for the report. */
export async function runDelivery(run: DeliveryRun): Promise<{ rows: Row[]; checks: Check[] }> {
  const backlog = run.quick ? 5_000 : 20_000;
  const samples = run.quick ? 40 : 200;
  const rows: Row[] = [];
  const checks: Check[] = [];
  for (const driver of run.drivers) {
    run.log(`${driver}: delivery, ${backlog.toLocaleString('en')} events of backlog, then ${samples} idle samples`);
    const seeded = await seedDatabase(driver, ROOMS, SEEDED_BOOKINGS);
    // Answers at once with an empty 204: what a receiver that queues its work does.
    const receiver = await startReceiver(() => ({ status: 204 }));
    try {
      const lapsed = await addLapsedHolds(seeded, driver, backlog);
      const events = await prepareBacklog(seeded.url, receiver.url);
      const server = await spawnServer(
        {
          ...serverEnv(seeded.url),
          WEBHOOK_ALLOW_HTTP: 'true',
          WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        },
        run.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${resolve(run.cpuProf)}`] : [],
        { serverDir: run.serverDir },
      );
      let peakRss: number | null = null;
      const sampler = setInterval(() => {
        const now = rssMb(server.child.pid);
        if (now !== null) peakRss = Math.max(peakRss ?? 0, now);
      }, 100);
      try {
        // (a) The backlog: delivered from the moment the dispatcher starts.
        const last = await receiver.nth(events, 'the last event of the backlog', () => true, 300_000);
        const first = receiver.requests[0] ?? last;
        const distinct = new Set(receiver.requests.map((r) => r.webhookId)).size;
        const seconds = (last.arrivedAt - first.arrivedAt) / 1000;
        const rate = (events - 1) / Math.max(seconds, 0.001);
        rows.push(row(driver, 'delivery backlog', rate, null, events, peakRss));
        checks.push({
          target: `delivery backlog (${driver}): >= ${MIN_EVENTS_PER_SECOND.toLocaleString('en')} events/s by one instance`,
          measured: `${rate.toFixed(0)} events/s (${events.toLocaleString('en')} events in ${seconds.toFixed(2)} s, ${distinct.toLocaleString('en')} distinct)`,
          pass: rate >= MIN_EVENTS_PER_SECOND && distinct === events,
        });

        // (b) Idle: one change at a time, paced by the previous delivery's arrival.
        const latencies = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000, numberOfSignificantValueDigits: 3 });
        const started = Date.now();
        const base = lapsed.to + 30 * 24 * 3_600_000;
        for (let k = 0; k < samples; k++) {
          const start = base + Math.floor(k / ROOMS) * SLOT_MS;
          const body = {
            room_id: 1 + (k % ROOMS),
            guest: { name: 'Idle Guest', email: `idle${k}@bench.example` },
            start_date: new Date(start).toISOString(),
            end_date: new Date(start + 3_600_000).toISOString(),
          };
          const response = await fetch(`${server.url}/api/v1/bookings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          if (response.status !== 201) throw new Error(`an idle hold was answered ${response.status}: ${await response.text()}`);
          const { booking } = (await response.json()) as { booking: { id: string } };
          const delivered: ReceivedRequest = await receiver.next(`the booking.held of ${booking.id}`, ({ json }) => bookingOf(json) === booking.id, 10_000);
          // Commit happens after created_at (the transaction's now): the figure errs on the long side.
          latencies.recordValue(Math.max(1, delivered.arrivedAt - Date.parse((delivered.json as { created_at: string }).created_at)));
          await new Promise((resolve) => setTimeout(resolve, IDLE_PAUSE_MS));
        }
        const idleRate = samples / ((Date.now() - started) / 1000);
        rows.push(row(driver, 'delivery idle', idleRate, latencies, samples, peakRss));
        checks.push({
          target: `delivery idle (${driver}): p99 commit to delivery < ${MAX_IDLE_P99_MS} ms`,
          measured: `p50 ${latencies.getValueAtPercentile(50).toFixed(0)} ms, p99 ${latencies.getValueAtPercentile(99).toFixed(0)} ms over ${samples} samples`,
          pass: latencies.getValueAtPercentile(99) < MAX_IDLE_P99_MS,
        });
        latencies.destroy();
      } finally {
        clearInterval(sampler);
        await server.stop();
      }
    } finally {
      await receiver.close();
      await seeded.dispose();
    }
  }
  return { rows, checks };
}
