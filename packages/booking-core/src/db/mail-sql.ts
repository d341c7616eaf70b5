import type { EmailStatus } from '../domain/mail-policy.js';
import { queueStatements } from './lease-sql.js';
import type { Statement } from './sql.js';

// Every statement on `email`, in one place. Emails are a leased queue (lease-sql.ts), sent in
// event order per booking: a cancellation never overtakes the confirmation it follows.

const INSERT = `insert into email (event_seq, booking_id, venue_name, timezone, status, attempts, next_attempt_at, created_at, updated_at)
  values (?, ?, ?, ?, 'pending', 0, ?, ?, ?)`;
export interface NewEmail {
  eventSeq: number;
  bookingId: string;
  venueName: string;
  timezone: string;
  now: number;
}
/** An email owed for an event, due at once. */
export const insertEmail = (e: NewEmail): Statement => ({
  text: INSERT,
  params: [e.eventSeq, e.bookingId, e.venueName, e.timezone, e.now, e.now, e.now],
});

export const queue = queueStatements({ table: 'email', inTurnBy: ['booking_id'], also: '' });
export const claim = queue.claim;
export const finish = (id: number, token: string, next: { status: EmailStatus; at: number | null }, now: number): Statement => queue.finish(id, token, next, now);
export const handBack = queue.handBack;
export const nextDue = queue.nextDue;

/** A claimed email with what rendering it needs: the event as recorded, and the venue as it was then. */
export interface ClaimedEmailRow {
  id: number | string;
  attempts: number;
  venue_name: string;
  timezone: string;
  payload: string;
}
const CLAIMED = `select m.id, m.attempts, m.venue_name, m.timezone, e.payload
  from email m join event e on e.seq = m.event_seq where m.leased_by = ? order by m.event_seq`;
export const claimed = (token: string): Statement => ({ text: CLAIMED, params: [token] });

/** What the last attempt came to, under this claim's lease (before finish ends it). */
const NOTE = 'update email set last_error = ?, sent_at = ? where id = ? and leased_by = ?';
export const noteAttempt = (id: number, token: string, outcome: { error: string | null; sentAt: number | null }): Statement => ({
  text: NOTE,
  params: [outcome.error, outcome.sentAt, id, token],
});

export interface EmailRow {
  id: number | string;
  booking_id: string;
  status: EmailStatus;
  attempts: number;
  next_attempt_at: number | string | null;
  last_error: string | null;
  sent_at: number | string | null;
}
const OF_BOOKING = `select id, booking_id, status, attempts, next_attempt_at, last_error, sent_at from email where booking_id = ? order by event_seq`;
/** A booking's emails, oldest first (tests and support look at these). */
export const emailsOfBooking = (bookingId: string): Statement => ({ text: OF_BOOKING, params: [bookingId] });
