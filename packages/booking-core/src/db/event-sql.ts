import type { EventType } from '../contract/events.js';
import type { SqlValue, Statement } from './sql.js';

// Every statement on `event`, and the fan-out of an event into deliveries, in one place.

const INSERT_EVENT = 'insert into event (id, type, booking_id, created_at, payload) values (?, ?, ?, ?, ?) returning seq';
export interface NewEvent {
  id: string;
  type: EventType;
  bookingId: string;
  createdAt: number;
  payload: string;
}
export const insertEvent = (e: NewEvent): Statement => ({ text: INSERT_EVENT, params: [e.id, e.type, e.bookingId, e.createdAt, e.payload] });

/**
 * One pending delivery of the event for every enabled endpoint subscribed to its type, due at
 * once: one statement, whatever the number of endpoints (none, usually, on the hot path).
 * `seq` is the event's seq as the statement reads it: a `?`, or a column of `from`.
 */
const fanOutSelect = (seq: string, from: string) => `select s.webhook_id, ${seq}, ?, 'pending', 0, ?, ?, ?
  from ${from}webhook_subscription s join webhook w on w.id = s.webhook_id
  where s.event_type = ? and w.disabled_at is null`;
const DELIVERY_COLUMNS = 'delivery (webhook_id, event_seq, booking_id, status, attempts, next_attempt_at, created_at, updated_at)';
const FAN_OUT = `insert into ${DELIVERY_COLUMNS} ${fanOutSelect('?', '')}`;
const fanOutParams = (e: NewEvent): SqlValue[] => [e.bookingId, e.createdAt, e.createdAt, e.createdAt, e.type];
export const fanOut = (seq: number, e: NewEvent): Statement => ({ text: FAN_OUT, params: [seq, ...fanOutParams(e)] });

/** The event and its deliveries in one statement (PostgreSQL: one round trip instead of two). */
const INSERT_EVENT_AND_FAN_OUT = `e as (${INSERT_EVENT}),
  d as (insert into ${DELIVERY_COLUMNS} ${fanOutSelect('e.seq', 'e cross join ')} returning 1)
  select e.seq, (select count(*) from d) as deliveries from e`;
/**
 * `alongside`, a write of the change itself (without `returning`), rides in the same statement:
 * it succeeds or fails with the event, and costs no round trip of its own.
 */
export const insertEventAndFanOut = (e: NewEvent, alongside?: Statement): Statement => ({
  text: alongside ? `with w as (${alongside.text}), ${INSERT_EVENT_AND_FAN_OUT}` : `with ${INSERT_EVENT_AND_FAN_OUT}`,
  params: [...(alongside?.params ?? []), ...insertEvent(e).params, ...fanOutParams(e)],
});

export interface EventFilter {
  type?: EventType | undefined;
  bookingId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** The last seq of the previous page. */
  afterSeq?: number | undefined;
  limit: number;
}

/** One page of the log, oldest first; the text is built from constant fragments, one per filter. */
export function listEvents(filter: EventFilter): Statement {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, value: SqlValue | undefined) => {
    if (value === undefined) return;
    where.push(clause);
    params.push(value);
  };
  add('type = ?', filter.type);
  add('booking_id = ?', filter.bookingId);
  add('created_at >= ?', filter.from);
  add('created_at < ?', filter.to);
  add('seq > ?', filter.afterSeq);
  return {
    text: `select seq, payload from event${where.length ? ` where ${where.join(' and ')}` : ''} order by seq limit ?`,
    params: [...params, filter.limit],
  };
}

export interface EventRow {
  seq: number | string;
  payload: string;
}

const OF_BOOKING = 'select seq, payload from event where booking_id = ? order by seq';
export const eventsOfBooking = (bookingId: string): Statement => ({ text: OF_BOOKING, params: [bookingId] });

/**
 * Forgets events created before `before`, oldest first and a batch at a time, so pruning never
 * holds the write lock for long; their deliveries and attempts go with them (on delete cascade).
 */
const PRUNE = 'delete from event where seq in (select seq from event where created_at < ? order by seq limit ?)';
export const pruneEvents = (before: number, batch: number): Statement => ({ text: PRUNE, params: [before, batch] });
