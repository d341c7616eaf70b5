import { hasWalFile, startWalCheckpointer } from '@escape-room/booking-core/db';
import { holdPolicyFromMinutes, systemClock } from '@escape-room/booking-core/domain';
import { createBookingService, startDispatcher, startMailDispatcher, type Dispatcher, type Outbox, type ServiceDeps } from '@escape-room/booking-core/service';
import { buildServer } from './app.js';
import { pingDatabase, prepareDatabase } from './bootstrap.js';
import type { FastifyBaseLogger } from 'fastify';
import { exitWithError, loadConfig, type Config } from './config.js';
import { startSweeper } from './sweep-timer.js';

const SHUTDOWN_GRACE_MS = 10_000;
/** Of the shutdown's grace, what webhook deliveries and emails in flight get to finish before they are handed back. */
const DELIVERY_GRACE_MS = 4_000;
/** Webhook POSTs in flight at once: answers are recorded a batch per write, so more in flight means fewer commits per delivery. */
const DELIVERY_CONCURRENCY = 64;
const DELIVERY_POLL_MS = 1_000;
/** SMTP servers take few connections from one client: a handful of emails at once. */
const MAIL_CONCURRENCY = 4;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Sends the guest emails this and other instances commit, through the SMTP server of SMTP_URL. */
function startMailer(deps: ServiceDeps, config: Config, log: FastifyBaseLogger): Dispatcher | undefined {
  if (!config.SMTP_URL) return undefined;
  log.info({ public_url: config.PUBLIC_URL, from: config.MAIL_FROM.address }, 'guest emails on');
  return startMailDispatcher(deps, {
    smtpUrl: config.SMTP_URL,
    from: config.MAIL_FROM,
    publicUrl: config.PUBLIC_URL,
    retryDelaysMs: config.MAIL_RETRY_SCHEDULE,
    timeoutMs: config.MAIL_TIMEOUT_SECONDS * 1000,
    concurrency: MAIL_CONCURRENCY,
    pollMs: DELIVERY_POLL_MS,
    log,
  });
}

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
  const mailer = config.SMTP_URL ? startMailer(deps, config, app.log) : undefined;
  const checkpointer =
    hasWalFile(config.DATABASE_URL)
      ? await startWalCheckpointer(db, { onError: (message) => app.log.warn({ err: message }, 'WAL checkpoint failed; the next one retries') })
      : undefined;
  if (mailer) mailOutbox.notify = () => mailer.wake();
  else app.log.info('guest emails are off: SMTP_URL is not set');

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
    // Stop taking requests and claiming deliveries and emails; let those in flight finish (or
    // hand them back), then stop the sweeper, the WAL's checkpointer, then the pool.
    await Promise.all([app.close(), dispatcher.stop(DELIVERY_GRACE_MS), mailer?.stop(DELIVERY_GRACE_MS)]);
    await sweeper.stop();
    await checkpointer?.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));

  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch(exitWithError);
