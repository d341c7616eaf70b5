import { Migration } from '@mikro-orm/migrations';

const EVENT_TYPES = "('booking.held', 'booking.extended', 'booking.confirmed', 'booking.released', 'booking.expired', 'booking.cancelled')";

/**
 * Booking events (the transactional outbox), webhook endpoints with their subscriptions, and
 * deliveries with their attempts. Only new tables: an instance of the previous release keeps
 * serving while this one migrates (it writes no events; nothing here waits for it).
 */
export class Migration20261126000000_events extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table event (
      seq integer primary key autoincrement,
      id varchar(64) not null constraint event_id_key unique,
      type text not null constraint event_type_check check (type in ${EVENT_TYPES}),
      booking_id varchar(64) not null,
      created_at integer not null,
      payload text not null
    )`);
    this.addSql('create index event_booking_idx on event (booking_id, seq)');
    this.addSql('create index event_type_idx on event (type, seq)');
    this.addSql('create index event_created_idx on event (created_at)');

    this.addSql(`create table webhook (
      id varchar(32) not null primary key,
      url varchar(2000) not null,
      description varchar(500) not null default '',
      secret varchar(64) not null,
      previous_secret varchar(64) null,
      previous_secret_until integer null,
      disabled_at integer null,
      disabled_reason text null constraint webhook_disabled_reason_check check (disabled_reason in ('admin', 'gone', 'failing')),
      failing_since integer null,
      created_at integer not null,
      updated_at integer not null
    )`);
    this.addSql(`create table webhook_subscription (
      event_type text not null constraint webhook_subscription_event_type_check check (event_type in ${EVENT_TYPES}),
      webhook_id varchar(32) not null constraint webhook_subscription_webhook_id_fkey references webhook (id) on delete cascade,
      primary key (event_type, webhook_id)
    )`);

    this.addSql(`create table delivery (
      id integer primary key autoincrement,
      webhook_id varchar(32) not null constraint delivery_webhook_id_fkey references webhook (id) on delete cascade,
      event_seq integer not null constraint delivery_event_seq_fkey references event (seq) on delete cascade,
      booking_id varchar(64) not null,
      status text not null constraint delivery_status_check check (status in ('pending', 'succeeded', 'failed')),
      attempts integer not null default 0,
      next_attempt_at integer null,
      lease_until integer null,
      leased_by varchar(64) null,
      created_at integer not null,
      updated_at integer not null
    )`);
    this.addSql(`create index delivery_due_idx on delivery (next_attempt_at) where status = 'pending'`);
    this.addSql(`create index delivery_order_idx on delivery (webhook_id, booking_id, event_seq) where status = 'pending'`);
    this.addSql('create index delivery_lease_idx on delivery (leased_by)');
    this.addSql('create index delivery_webhook_idx on delivery (webhook_id, id)');
    this.addSql('create index delivery_event_idx on delivery (event_seq)');

    this.addSql(`create table delivery_attempt (
      id integer primary key autoincrement,
      delivery_id integer not null constraint delivery_attempt_delivery_id_fkey references delivery (id) on delete cascade,
      attempted_at integer not null,
      status_code integer null,
      duration_ms integer not null,
      error varchar(1000) null,
      response_body text null
    )`);
    this.addSql('create index delivery_attempt_delivery_idx on delivery_attempt (delivery_id, id)');
  }

  override async down(): Promise<void> {
    for (const table of ['delivery_attempt', 'delivery', 'webhook_subscription', 'webhook', 'event']) this.addSql(`drop table if exists ${table}`);
  }
}
