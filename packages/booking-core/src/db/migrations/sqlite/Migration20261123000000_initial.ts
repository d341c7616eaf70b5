import { Migration } from '@mikro-orm/migrations';

/**
 * The first schema on SQLite. Besides the tables it installs the database's own guard
 * against double booking: triggers that refuse a live booking overlapping another live one,
 * whatever code wrote it. "Live" is judged at the writer's own clock (created_at/updated_at
 * of the new row), so a lapsed hold frees its slot without a sweeper.
 */
export class Migration20261123000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table room (
      id integer not null primary key,
      name varchar(200) not null,
      description text not null,
      price_cents integer not null check (price_cents >= 0)
    )`);

    this.addSql(`create table guest (
      id integer not null primary key autoincrement,
      email varchar(254) not null,
      email_key varchar(254) not null unique,
      name varchar(200) not null,
      created_at integer not null
    )`);

    this.addSql(`create table booking (
      id varchar(64) not null primary key,
      room_id integer not null references room (id),
      guest_id integer not null references guest (id),
      status text not null check (status in ('pending', 'confirmed', 'released', 'expired', 'cancelled')),
      start_at integer not null,
      end_at integer not null,
      created_at integer not null,
      updated_at integer not null,
      expires_at integer null,
      check (end_at > start_at),
      check (end_at - start_at <= 86400000),
      check ((status = 'pending') = (expires_at is not null))
    )`);
    // Overlap probes are bounded by the 24-hour maximum length, so (room_id, start_at) is a range scan.
    this.addSql('create index booking_room_start_idx on booking (room_id, start_at)');
    this.addSql('create index booking_start_idx on booking (start_at, id)');
    this.addSql('create index booking_guest_idx on booking (guest_id)');

    for (const event of ['insert', 'update']) {
      const now = event === 'insert' ? 'new.created_at' : 'new.updated_at';
      this.addSql(`create trigger booking_no_overlap_${event}
        before ${event} on booking
        when new.status = 'confirmed' or (new.status = 'pending' and new.expires_at > ${now})
        begin
          select raise(abort, 'SLOT_UNAVAILABLE: overlapping live booking')
          where exists (
            select 1 from booking b
            where b.room_id = new.room_id
              and b.id <> new.id
              and b.start_at > new.start_at - 86400000
              and b.start_at < new.end_at
              and b.end_at > new.start_at
              and (b.status = 'confirmed' or (b.status = 'pending' and b.expires_at > ${now}))
          );
        end`);
    }
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists booking_no_overlap_update');
    this.addSql('drop trigger if exists booking_no_overlap_insert');
    this.addSql('drop table if exists booking');
    this.addSql('drop table if exists guest');
    this.addSql('drop table if exists room');
  }
}
