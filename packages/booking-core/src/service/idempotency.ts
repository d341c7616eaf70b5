import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Booking as BookingDto, ErrorCode, FieldIssue } from '../contract/index.js';
import { BookingError } from '../domain/errors.js';
import { IdempotencyKey } from '../db/entities.js';
import type { ServiceDeps } from './deps.js';
import { write } from './transaction.js';

/** How long an answer stays replayable. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A request still "in flight" after this long is taken to have died with its process. */
const STALE_IN_FLIGHT_MS = 60_000;
/** How long a retry waits for the first request with its key to finish before giving up. */
const WAIT_FOR_FIRST_MS = 5_000;
const POLL_MS = 50;

/** What a finished request answered, stored so a retry gets exactly the same. */
type Outcome =
  | { ok: true; booking: BookingDto }
  | { ok: false; error: { code: ErrorCode; message: string; issues?: FieldIssue[] } };

type Claim = { kind: 'claimed' } | { kind: 'replay'; outcome: Outcome } | { kind: 'in_flight' };

export function requestFingerprint(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

const reused = () =>
  new BookingError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request');

/** Tries to make this request the owner of `key`; otherwise says what the owner left. */
async function claim(deps: ServiceDeps, key: string, fingerprint: string): Promise<Claim> {
  const em = deps.db.em.fork();
  const now = deps.clock.now();
  try {
    await em.insert(IdempotencyKey, { key, requestHash: fingerprint, state: 'in_flight', createdAt: now, updatedAt: now });
    return { kind: 'claimed' };
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
  }
  const existing = await em.findOne(IdempotencyKey, key);
  // Deleted between our insert and this read (its first request failed): try again.
  if (!existing) return claim(deps, key, fingerprint);
  const forgotten = existing.createdAt <= now - IDEMPOTENCY_TTL_MS;
  const abandoned = existing.state === 'in_flight' && existing.updatedAt <= now - STALE_IN_FLIGHT_MS;
  if (forgotten || abandoned) {
    // Take the key over, but only if nobody else did in the meantime.
    const taken = await em.nativeUpdate(
      IdempotencyKey,
      { key, updatedAt: existing.updatedAt, state: existing.state },
      { requestHash: fingerprint, state: 'in_flight', response: null, createdAt: now, updatedAt: now },
    );
    return taken === 1 ? { kind: 'claimed' } : { kind: 'in_flight' };
  }
  if (existing.requestHash !== fingerprint) throw reused();
  if (existing.state === 'done' && existing.response) return { kind: 'replay', outcome: JSON.parse(existing.response) as Outcome };
  return { kind: 'in_flight' };
}

function replay(outcome: Outcome): BookingDto {
  if (outcome.ok) return outcome.booking;
  throw new BookingError(outcome.error.code, outcome.error.message, outcome.error.issues);
}

/**
 * Stripe's semantics for a request with an Idempotency-Key: the first request with the key
 * runs; a later one with the same request gets the first one's answer (success or refusal)
 * for 24 hours; one with a different request is refused; one that arrives while the first
 * is still running waits for it a few seconds, then is told to retry. Keys live in the
 * database, so this holds across instances. Failures of our own (5xx) are not remembered.
 */
export async function idempotent(
  deps: ServiceDeps,
  key: string,
  request: unknown,
  run: () => Promise<BookingDto>,
): Promise<BookingDto> {
  const fingerprint = requestFingerprint(request);
  // Timed by the injected clock (the system clock in production), so tests move time instead of waiting.
  const giveUpAt = deps.clock.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    const claimed = await write(() => claim(deps, key, fingerprint));
    if (claimed.kind === 'replay') return replay(claimed.outcome);
    if (claimed.kind === 'claimed') break;
    if (deps.clock.now() >= giveUpAt) {
      throw new BookingError('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly');
    }
    await deps.clock.sleep(POLL_MS);
  }

  const em = deps.db.em.fork();
  const finish = (outcome: Outcome) =>
    write(() => em.nativeUpdate(IdempotencyKey, { key }, { state: 'done', response: JSON.stringify(outcome), updatedAt: deps.clock.now() }));
  try {
    const booking = await run();
    await finish({ ok: true, booking });
    return booking;
  } catch (error) {
    if (error instanceof BookingError && error.code !== 'SERVICE_UNAVAILABLE') {
      await finish({ ok: false, error: { code: error.code, message: error.message, issues: error.issues } });
    } else {
      await write(() => em.nativeDelete(IdempotencyKey, { key }));
    }
    throw error;
  }
}
