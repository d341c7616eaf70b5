import type { FastifyBaseLogger } from 'fastify';
import type { SweepResult } from '@escape-room/booking-core/api';

export interface Sweeper {
  /** Stops the timer and waits for a sweep in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs the service's sweep every `intervalMs` on this instance. Sweeps never overlap, a
 * failed one is logged and the next one tries again; 0 disables the sweeper.
 */
export function startSweeper(sweep: () => Promise<SweepResult>, intervalMs: number, log: FastifyBaseLogger): Sweeper {
  if (intervalMs <= 0) return { stop: async () => undefined };
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = sweep()
      .then((result) => {
        if (result.expiredHolds || result.forgottenKeys || result.prunedEvents) log.info(result, 'swept lapsed holds, old idempotency keys and old events');
      })
      .catch((error: unknown) => log.warn({ err: error }, 'sweep failed; will retry'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
