import { holdPolicyFromMinutes, systemClock } from '@escape-room/booking-core/domain';
import { createBookingService } from '@escape-room/booking-core/service';
import { buildServer } from './app.js';
import { pingDatabase, prepareDatabase } from './bootstrap.js';
import { exitWithError, loadConfig } from './config.js';
import { startSweeper } from './sweep-timer.js';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const { db, appliedMigrations, seededRooms } = await prepareDatabase(config);
  const service = createBookingService({
    db,
    clock: systemClock,
    policy: holdPolicyFromMinutes(config.BOOKING_HOLD_MINUTES, config.BOOKING_HOLD_MAX_MINUTES, config.MAX_LIVE_HOLDS_PER_GUEST),
  });
  const app = await buildServer({ config, service, pingDatabase: () => pingDatabase(db) });
  app.log.info({ appliedMigrations, seededRooms, database: config.DATABASE_URL.driver }, 'database ready');
  const sweeper = startSweeper(() => service.sweep(), config.SWEEP_INTERVAL_SECONDS * 1000, app.log);

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
    // Stop taking requests and let in-flight ones finish, then stop background work, then the pool.
    await app.close();
    await sweeper.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));

  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch(exitWithError);
