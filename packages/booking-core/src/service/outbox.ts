import type { Actor, Booking, BookingEvent, BookingStatus, EventType } from '../contract/index.js';
import { formatInstant } from '../contract/time.js';
import * as eventSql from '../db/event-sql.js';
import type { TransactionSql } from '../db/sql.js';
import type { ServiceDeps } from './deps.js';
import { newEventId } from './ids.js';
import { inSqlTransaction } from './transaction.js';

/** Who changed a booking, when no admin key did. */
export const GUEST: Actor = { type: 'guest' };
export const SYSTEM: Actor = { type: 'system' };

/** A change of a booking, as the use case that made it knows it. */
export interface Change {
  type: EventType;
  booking: Booking;
  previousStatus: BookingStatus | null;
  actor: Actor;
  /** When it happened: the transaction's now. */
  at: number;
}

/** Records one change, in the caller's transaction. */
export type RecordChange = (change: Change) => Promise<void>;

/** Anything waiting for new deliveries in this process (the webhook dispatcher). */
export interface Outbox {
  /** Called after a transaction that recorded events has committed. */
  notify(): void;
}

/**
 * Writes the event and its deliveries (one per enabled endpoint subscribed to its type) inside
 * the transaction that makes the change: they commit together or not at all.
 */
async function record(sql: TransactionSql, change: Change): Promise<number> {
  const now = change.at;
  const event: BookingEvent = {
    id: newEventId(),
    type: change.type,
    created_at: formatInstant(now),
    actor: change.actor,
    data: { booking: change.booking, previous_status: change.previousStatus },
  };
  const row = { id: event.id, type: event.type, bookingId: change.booking.id, createdAt: now, payload: JSON.stringify(event) };
  const [inserted] = await sql.all<{ seq: number | string }>(eventSql.insertEvent(row));
  if (!inserted) throw new Error('the event insert returned no seq');
  return sql.run(eventSql.fanOut(Number(inserted.seq), row));
}

/**
 * One write transaction of hand-written SQL whose changes are recorded as events. Once it has
 * committed, the outbox hears of the deliveries it owes (so this instance sends them at once
 * rather than at its next poll); with no endpoint subscribed, there is nothing to wake it for.
 */
export async function inEventTransaction<T>(deps: ServiceDeps, work: (sql: TransactionSql, record: RecordChange) => Promise<T>): Promise<T> {
  let owed = 0;
  const result = await inSqlTransaction(deps.db, (sql) => {
    owed = 0; // a retried transaction starts again
    return work(sql, async (change) => {
      owed += await record(sql, change);
    });
  });
  if (owed > 0) deps.outbox?.notify();
  return result;
}
