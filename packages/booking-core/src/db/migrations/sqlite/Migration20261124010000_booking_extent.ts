import { Migration } from '@mikro-orm/migrations';

/**
 * The longest booking ever stored, kept by the database itself. Overlap probes scan start_at
 * back by this much instead of by the 24-hour maximum a booking may have: with 90-minute
 * sessions that is a sixteenth of the index range. It only grows (a cancelled long booking
 * keeps it wide), which keeps every probe correct; triggers fire only when a row is longer.
 */
export class Migration20261124010000_booking_extent extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table booking_extent (id integer not null primary key check (id = 1), longest_ms integer not null)');
    this.addSql('insert into booking_extent (id, longest_ms) select 1, coalesce(max(end_at - start_at), 0) from booking');
    for (const event of ['insert', 'update of start_at, end_at']) {
      this.addSql(`create trigger booking_extent_${event.split(' ')[0]}
        after ${event} on booking
        when new.end_at - new.start_at > (select longest_ms from booking_extent)
        begin
          update booking_extent set longest_ms = new.end_at - new.start_at;
        end`);
    }
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists booking_extent_update');
    this.addSql('drop trigger if exists booking_extent_insert');
    this.addSql('drop table if exists booking_extent');
  }
}
