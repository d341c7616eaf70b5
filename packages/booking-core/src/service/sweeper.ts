import { Booking, IdempotencyKey } from '../db/entities.js';
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
  const em = db.em.fork();
  const expiredHolds = await write(() =>
    em.nativeUpdate(Booking, { status: 'pending', expiresAt: { $lte: now } }, { status: 'expired', expiresAt: null, updatedAt: now }),
  );
  const forgottenKeys = await write(() => em.nativeDelete(IdempotencyKey, { createdAt: { $lte: now - IDEMPOTENCY_TTL_MS } }));
  return { expiredHolds, forgottenKeys };
}
