// The tables of Migration20261126000000_events, once for both drivers: the statements differ
// only in the names of three column types. Frozen with the two migrations that use it.

const EVENT_TYPES = "('booking.held', 'booking.extended', 'booking.confirmed', 'booking.released', 'booking.expired', 'booking.cancelled')";

export interface Types {
  /** An auto-numbered 64-bit key. */
  serial: string;
  bigint: string;
  int: string;
}

export const POSTGRESQL_TYPES: Types = { serial: 'bigserial primary key', bigint: 'bigint', int: 'int' };
export const SQLITE_TYPES: Types = { serial: 'integer primary key autoincrement', bigint: 'integer', int: 'integer' };

/**
 * Booking events (the transactional outbox), webhook endpoints with their subscriptions, and
 * deliveries with their attempts.
 */
export const eventTables = ({ serial, bigint, int }: Types): string[] => [
  `create table event (
    seq ${serial},
    id varchar(64) not null,
    type text not null constraint event_type_check check (type in ${EVENT_TYPES}),
    booking_id varchar(64) not null,
    created_at ${bigint} not null,
    payload text not null
  )`,
  'create index event_booking_idx on event (booking_id, seq)',
  'create index event_type_idx on event (type, seq)',
  'create index event_created_idx on event (created_at)',

  `create table webhook (
    id varchar(32) not null primary key,
    url varchar(2000) not null,
    description varchar(500) not null default '',
    secret varchar(64) not null,
    previous_secret varchar(64) null,
    previous_secret_until ${bigint} null,
    disabled_at ${bigint} null,
    disabled_reason text null constraint webhook_disabled_reason_check check (disabled_reason in ('admin', 'gone', 'failing')),
    failing_since ${bigint} null,
    created_at ${bigint} not null,
    updated_at ${bigint} not null
  )`,
  `create table webhook_subscription (
    event_type text not null constraint webhook_subscription_event_type_check check (event_type in ${EVENT_TYPES}),
    webhook_id varchar(32) not null constraint webhook_subscription_webhook_id_fkey references webhook (id) on delete cascade,
    primary key (event_type, webhook_id)
  )`,

  `create table delivery (
    id ${serial},
    webhook_id varchar(32) not null constraint delivery_webhook_id_fkey references webhook (id) on delete cascade,
    event_seq ${bigint} not null constraint delivery_event_seq_fkey references event (seq) on delete cascade,
    booking_id varchar(64) not null,
    status text not null constraint delivery_status_check check (status in ('pending', 'succeeded', 'failed')),
    attempts ${int} not null default 0,
    next_attempt_at ${bigint} null,
    lease_until ${bigint} null,
    leased_by varchar(64) null,
    created_at ${bigint} not null,
    updated_at ${bigint} not null
  )`,
  `create index delivery_due_idx on delivery (next_attempt_at, event_seq) where status = 'pending'`,
  `create index delivery_order_idx on delivery (webhook_id, booking_id, event_seq) where status = 'pending'`,
  'create index delivery_lease_idx on delivery (leased_by)',
  'create index delivery_webhook_idx on delivery (webhook_id, id)',
  'create index delivery_event_idx on delivery (event_seq)',

  `create table delivery_attempt (
    id ${serial},
    delivery_id ${bigint} not null constraint delivery_attempt_delivery_id_fkey references delivery (id) on delete cascade,
    attempted_at ${bigint} not null,
    status_code ${int} null,
    duration_ms ${int} not null,
    error varchar(1000) null,
    response_body text null
  )`,
  'create index delivery_attempt_delivery_idx on delivery_attempt (delivery_id, id)',
];

export const EVENT_TABLES = ['delivery_attempt', 'delivery', 'webhook_subscription', 'webhook', 'event'];
