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

/** How a change's event is written, beyond the event itself. */
export interface RecordOptions {
  /**
   * The change's own last write (an insert, say; no `returning`), made with the event: where
   * the database takes several writes in one statement, it costs no round trip of its own.
   */
  alongside?: Statement;
  /**
   * The event is the transaction's last write: it commits with it (see TransactionSql.lastly),
   * and nothing may run in the transaction after it.
   */
  last?: boolean;
}

/** Records one change, in the caller's transaction. */
export type RecordChange = (change: Change, options?: RecordOptions) => Promise<void>;

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
async function insertEvent(sql: TransactionSql, row: eventSql.NewEvent, { alongside, last }: RecordOptions): Promise<{ seq: number; deliveries: number }> {
  if (sql.writingCtes) {
    const statement = eventSql.insertEventAndFanOut(row, alongside);
    const [inserted] = (last ? (await sql.lastly(statement)).rows : await sql.all(statement)) as { seq: number | string; deliveries: number | string }[];
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
async function record(sql: TransactionSql, change: Change, options: RecordOptions, emailsOn: boolean): Promise<Owed> {
  const now = change.at;
  const event: BookingEvent = {
    id: newEventId(),
    type: change.type,
    created_at: formatInstant(now),
    actor: change.actor,
    data: { booking: change.booking, previous_status: change.previousStatus },
  };
  const row = { id: event.id, type: event.type, bookingId: change.booking.id, createdAt: now, payload: JSON.stringify(event) };
  const emailed = emailsOn && isEmailed(change.type);
  // With an email to write, that is the last write.
  const { seq, deliveries } = await insertEvent(sql, row, { ...options, last: options.last === true && !emailed });
  if (!emailed) return { deliveries, emails: 0 };
  const { name, timezone } = change.venue;
  const email = mailSql.insertEmail({ eventSeq: seq, bookingId: change.booking.id, venueName: name, timezone, now });
  const emails = options.last ? (await sql.lastly(email)).changed : await sql.run(email);
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
    return work(sql, async (change, options = {}) => {
      const more = await record(sql, change, options, deps.mail !== undefined);
      owed.deliveries += more.deliveries;
      owed.emails += more.emails;
    });
  });
  if (owed.deliveries > 0) deps.outbox?.notify();
  if (owed.emails > 0) deps.mail?.outbox?.notify();
  return result;
}
