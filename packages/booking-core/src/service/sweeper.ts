import { IdempotencyKey } from '../db/entities.js';
import * as bookingSql from '../db/booking-sql.js';
import { sqlRunner } from '../db/sql.js';
import type { SweepResult } from './api.js';
import type { ServiceDeps } from './deps.js';
import { IDEMPOTENCY_TTL_MS } from './idempotency.js';
import { write } from './transaction.js';

/**
 * Persists `expired` on every lapsed hold and forgets idempotency keys past their lifetime.
 * Both are single conditional statements, so any number of instances may run them at once.
 * Reads never depend on it: a lapsed hold already reads `expired` before a sweep.
 */
export async function sweep({ db, clock }: ServiceDeps): Promise<SweepResult> {
  const now = clock.now();
  const expiredHolds = await write(() => sqlRunner(db).run(bookingSql.expireLapsed(now)));
  const forgottenKeys = await write(() => db.em.fork().nativeDelete(IdempotencyKey, { createdAt: { $lte: now - IDEMPOTENCY_TTL_MS } }));
  return { expiredHolds, forgottenKeys };
}
