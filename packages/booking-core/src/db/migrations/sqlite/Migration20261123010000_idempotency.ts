import { Migration } from '@mikro-orm/migrations';

/** Idempotency keys of hold requests, shared by every process that uses the database. */
export class Migration20261123010000_idempotency extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table idempotency_key (
      key varchar(255) not null primary key,
      request_hash varchar(64) not null,
      state text not null check (state in ('in_flight', 'done')),
      response text null,
      created_at integer not null,
      updated_at integer not null
    )`);
    this.addSql('create index idempotency_key_created_idx on idempotency_key (created_at)');
    this.addSql(`create index booking_pending_expiry_idx on booking (expires_at) where status = 'pending'`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists booking_pending_expiry_idx');
    this.addSql('drop table if exists idempotency_key');
  }
}
