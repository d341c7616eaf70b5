import { holdPolicyFromMinutes, systemClock } from '@escape-room/booking-core/domain';
import { createBookingService, startDispatcher, startMailDispatcher, type Dispatcher, type Outbox, type ServiceDeps } from '@escape-room/booking-core/service';
import { buildServer } from './app.js';
import { pingDatabase, prepareDatabase } from './bootstrap.js';
import { exitWithError, loadConfig } from './config.js';
import { startSweeper } from './sweep-timer.js';

const SHUTDOWN_GRACE_MS = 10_000;
/** Of the shutdown's grace, what webhook deliveries and emails in flight get to finish before they are handed back. */
const DELIVERY_GRACE_MS = 4_000;
const DELIVERY_CONCURRENCY = 32;
const DELIVERY_POLL_MS = 1_000;
/** SMTP servers take few connections from one client: a handful of emails at once. */
const MAIL_CONCURRENCY = 4;
const DAY_MS = 24 * 60 * 60 * 1000;

async function main(): Promise<void> {
  const config = loadConfig();
  const { db, appliedMigrations, seededRooms } = await prepareDatabase(config);
  // Commits wake this instance's dispatchers, which start once the server (and its log) exists.
  const outbox: Outbox = { notify: () => undefined };
  const mailOutbox: Outbox = { notify: () => undefined };
  const deps: ServiceDeps = {
    db,
    clock: systemClock,
    policy: holdPolicyFromMinutes(config.BOOKING_HOLD_MINUTES, config.BOOKING_HOLD_MAX_MINUTES, config.MAX_LIVE_HOLDS_PER_GUEST),
    endpoints: { allowHttp: config.WEBHOOK_ALLOW_HTTP, allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS },
    eventRetentionMs: config.EVENT_RETENTION_DAYS * DAY_MS,
    outbox,
    mail: config.SMTP_URL ? { outbox: mailOutbox } : undefined,
    publicUrl: config.PUBLIC_URL,
  };
  const service = createBookingService(deps);
  const app = await buildServer({ config, service, pingDatabase: () => pingDatabase(db) });
  app.log.info({ appliedMigrations, seededRooms, database: config.DATABASE_URL.driver }, 'database ready');
  const sweeper = startSweeper(() => service.sweep(), config.SWEEP_INTERVAL_SECONDS * 1000, app.log);
  const dispatcher = startDispatcher(deps, {
    retryDelaysMs: config.WEBHOOK_RETRY_SCHEDULE,
    timeoutMs: config.WEBHOOK_TIMEOUT_SECONDS * 1000,
    concurrency: DELIVERY_CONCURRENCY,
    pollMs: DELIVERY_POLL_MS,
    log: app.log,
  });
  outbox.notify = () => dispatcher.wake();
  let mailer: Dispatcher | undefined;

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    // Stop taking requests and claiming deliveries; let requests and deliveries in flight finish
    // (or hand the deliveries back), then stop the sweeper, then the pool.
    await Promise.all([app.close(), dispatcher.stop(DELIVERY_GRACE_MS), mailer?.stop(DELIVERY_GRACE_MS)]);
    await sweeper.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));

  await app.listen({ port: config.PORT, host: config.HOST });
  // Unset, it is where this server listens (its real port when PORT=0), as a local browser reaches it.
  const address = app.server.address();
  deps.publicUrl ??= `http://localhost:${typeof address === 'object' && address ? address.port : config.PORT}`;
  if (!config.SMTP_URL) {
    app.log.info('guest emails are off: SMTP_URL is not set');
    return;
  }
  mailer = startMailDispatcher(deps, {
    smtpUrl: config.SMTP_URL,
    from: config.MAIL_FROM,
    publicUrl: deps.publicUrl,
    retryDelaysMs: config.MAIL_RETRY_SCHEDULE,
    timeoutMs: config.MAIL_TIMEOUT_SECONDS * 1000,
    concurrency: MAIL_CONCURRENCY,
    pollMs: DELIVERY_POLL_MS,
    log: app.log,
  });
  mailOutbox.notify = () => mailer?.wake();
  app.log.info({ public_url: deps.publicUrl }, 'guest emails on');
}

main().catch(exitWithError);
