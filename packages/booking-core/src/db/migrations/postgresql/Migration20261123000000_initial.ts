import { Migration } from '@mikro-orm/migrations';

/**
 * The first schema on PostgreSQL. The database itself refuses double booking: an exclusion
 * constraint (btree_gist) forbids two bookings of one room with overlapping [start, end)
 * among pending and confirmed rows. A lapsed hold still reads `pending` until someone marks
 * it expired, so the hold transaction (and the sweeper) mark lapsed holds first.
 */
export class Migration20261123000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql('create extension if not exists btree_gist');

    this.addSql(`create table room (
      id integer not null primary key,
      name varchar(200) not null,
      description text not null,
      price_cents integer not null check (price_cents >= 0)
    )`);

    this.addSql(`create table guest (
      id serial primary key,
      email varchar(254) not null,
      email_key varchar(254) not null unique,
      name varchar(200) not null,
      created_at bigint not null
    )`);

    this.addSql(`create table booking (
      id varchar(64) not null primary key,
      room_id integer not null references room (id),
      guest_id integer not null references guest (id),
      status text not null check (status in ('pending', 'confirmed', 'released', 'expired', 'cancelled')),
      start_at bigint not null,
      end_at bigint not null,
      created_at bigint not null,
      updated_at bigint not null,
      expires_at bigint null,
      check (end_at > start_at),
      check (end_at - start_at <= 86400000),
      check ((status = 'pending') = (expires_at is not null)),
      constraint booking_no_overlap exclude using gist (
        room_id with =,
        int8range(start_at, end_at, '[)') with &&
      ) where (status in ('pending', 'confirmed'))
    )`);
    // Overlap probes are bounded by the 24-hour maximum length, so (room_id, start_at) is a range scan.
    this.addSql('create index booking_room_start_idx on booking (room_id, start_at)');
    this.addSql('create index booking_start_idx on booking (start_at, id)');
    this.addSql('create index booking_guest_idx on booking (guest_id)');
    this.addSql(`create index booking_pending_expiry_idx on booking (expires_at) where status = 'pending'`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists booking');
    this.addSql('drop table if exists guest');
    this.addSql('drop table if exists room');
  }
}
