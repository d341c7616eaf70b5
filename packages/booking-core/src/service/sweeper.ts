import { IdempotencyKey } from '../db/entities.js';
import * as bookingSql from '../db/booking-sql.js';
import type { BookingRow } from '../db/booking-sql.js';
import * as eventSql from '../db/event-sql.js';
import { sqlRunner } from '../db/sql.js';
import type { SweepResult } from './api.js';
import { DEFAULT_EVENT_RETENTION_DAYS, type ServiceDeps } from './deps.js';
import { IDEMPOTENCY_TTL_MS } from './idempotency.js';
import { persistLapses } from './bookings.js';
import { inEventTransaction } from './outbox.js';
import { write } from './transaction.js';
import { readVenue } from './venue.js';

/** Lapsed holds expired per transaction, and events pruned per statement: short write locks, whatever the backlog. */
const BATCH = 500;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Persists `expired` on every lapsed hold, each with its booking.expired event, forgets
 * idempotency keys past their lifetime and events past their retention. Every step is
 * conditional per row, so any number of instances may sweep at once, and each lapse is recorded
 * once. Reads never depend on it: a lapsed hold already reads `expired` before a sweep.
 */
export async function sweep(deps: ServiceDeps): Promise<SweepResult> {
  const { db, clock } = deps;
  const now = clock.now();
  let expiredHolds = 0;
  for (;;) {
    const { found, expired } = await inEventTransaction(deps, async (sql, record) => {
      const rows = await sql.all<BookingRow>(bookingSql.lapsedHolds(now, BATCH));
      return { found: rows.length, expired: rows.length ? await persistLapses(sql, record, rows, now, await readVenue(sql)) : 0 };
    });
    expiredHolds += expired;
    // A batch another sweeper emptied under us ends the round too: nothing is left to do then.
    if (found < BATCH || expired === 0) break;
  }
  const forgottenKeys = await write(() => db.em.fork().nativeDelete(IdempotencyKey, { createdAt: { $lte: now - IDEMPOTENCY_TTL_MS } }));
  const retentionMs = deps.eventRetentionMs ?? DEFAULT_EVENT_RETENTION_DAYS * DAY_MS;
  let prunedEvents = 0;
  for (;;) {
    const pruned = await write(() => sqlRunner(db).run(eventSql.pruneEvents(now - retentionMs, BATCH)));
    prunedEvents += pruned;
    if (pruned < BATCH) break;
  }
  return { expiredHolds, forgottenKeys, prunedEvents };
}
