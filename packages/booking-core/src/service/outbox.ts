import type { Actor, Booking, BookingEvent, BookingStatus, EventType, Venue } from '../contract/index.js';
import { formatInstant } from '../contract/time.js';
import * as eventSql from '../db/event-sql.js';
import * as mailSql from '../db/mail-sql.js';
import { isEmailed } from '../domain/mail-policy.js';
import type { Statement, TransactionSql } from '../db/sql.js';
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
  /** The venue as the transaction read it (guest emails keep its name and time zone). */
  venue: Venue;
}

/**
 * Records one change, in the caller's transaction. `alongside` is the change's own last write
 * (an insert, say; no `returning`), made with the event: where the database takes several writes
 * in one statement, it costs no round trip of its own.
 */
export type RecordChange = (change: Change, alongside?: Statement) => Promise<void>;

/** Anything waiting for new rows in this process (the webhook dispatcher, the mail dispatcher). */
export interface Outbox {
  /** Called after a transaction that recorded what it waits for has committed. */
  notify(): void;
}

interface Owed {
  deliveries: number;
  emails: number;
}

/** The write alongside, the event and its deliveries: one statement where the database takes one, each on its own where not. */
async function insertEvent(sql: TransactionSql, row: eventSql.NewEvent, alongside: Statement | undefined): Promise<{ seq: number; deliveries: number }> {
  if (sql.writingCtes) {
    const [inserted] = await sql.all<{ seq: number | string; deliveries: number | string }>(eventSql.insertEventAndFanOut(row, alongside));
    if (!inserted) throw new Error('the event insert returned no seq');
    return { seq: Number(inserted.seq), deliveries: Number(inserted.deliveries) };
  }
  if (alongside) await sql.run(alongside);
  const [inserted] = await sql.all<{ seq: number | string }>(eventSql.insertEvent(row));
  if (!inserted) throw new Error('the event insert returned no seq');
  const seq = Number(inserted.seq);
  return { seq, deliveries: await sql.run(eventSql.fanOut(seq, row)) };
}

/**
 * Writes the event, its deliveries (one per enabled endpoint subscribed to its type) and, when
 * guest emails are on, the guest's email, inside the transaction that makes the change: they
 * commit together or not at all.
 */
async function record(sql: TransactionSql, change: Change, alongside: Statement | undefined, emailsOn: boolean): Promise<Owed> {
  const now = change.at;
  const event: BookingEvent = {
    id: newEventId(),
    type: change.type,
    created_at: formatInstant(now),
    actor: change.actor,
    data: { booking: change.booking, previous_status: change.previousStatus },
  };
  const row = { id: event.id, type: event.type, bookingId: change.booking.id, createdAt: now, payload: JSON.stringify(event) };
  const { seq, deliveries } = await insertEvent(sql, row, alongside);
  if (!emailsOn || !isEmailed(change.type)) return { deliveries, emails: 0 };
  const { name, timezone } = change.venue;
  const emails = await sql.run(mailSql.insertEmail({ eventSeq: seq, bookingId: change.booking.id, venueName: name, timezone, now }));
  return { deliveries, emails };
}

/**
 * One write transaction of hand-written SQL whose changes are recorded as events. Once it has
 * committed, the outboxes hear of the deliveries and emails it owes (so this instance sends them
 * at once rather than at its next poll); with nothing owed, there is nothing to wake them for.
 */
export async function inEventTransaction<T>(deps: ServiceDeps, work: (sql: TransactionSql, record: RecordChange) => Promise<T>): Promise<T> {
  const owed: Owed = { deliveries: 0, emails: 0 };
  const result = await inSqlTransaction(deps.db, (sql) => {
    // A retried transaction starts again.
    owed.deliveries = 0;
    owed.emails = 0;
    return work(sql, async (change, alongside) => {
      const more = await record(sql, change, alongside, deps.mail !== undefined);
      owed.deliveries += more.deliveries;
      owed.emails += more.emails;
    });
  });
  if (owed.deliveries > 0) deps.outbox?.notify();
  if (owed.emails > 0) deps.mail?.outbox?.notify();
  return result;
}
