import { Migration } from '@mikro-orm/migrations';

/**
 * The longest booking ever stored, kept by the database itself. Overlap probes scan start_at
 * back by this much instead of by the 24-hour maximum a booking may have. It only grows, which
 * keeps every probe correct. The triggers run once per statement (a bulk load is one call) and
 * update the row only when a longer booking arrives, so ordinary writes never lock it.
 */
export class Migration20261124010000_booking_extent extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table booking_extent (id integer not null primary key check (id = 1), longest_ms bigint not null)');
    this.addSql('insert into booking_extent (id, longest_ms) select 1, coalesce(max(end_at - start_at), 0) from booking');
    this.addSql(`create function booking_extent_grow() returns trigger language plpgsql as $$
      begin
        update booking_extent e set longest_ms = x.longest
          from (select max(end_at - start_at) as longest from written) x
          where x.longest > e.longest_ms;
        return null;
      end $$`);
    for (const event of ['insert', 'update']) {
      this.addSql(`create trigger booking_extent_${event} after ${event} on booking
        referencing new table as written for each statement execute function booking_extent_grow()`);
    }
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists booking_extent_update on booking');
    this.addSql('drop trigger if exists booking_extent_insert on booking');
    this.addSql('drop function if exists booking_extent_grow()');
    this.addSql('drop table if exists booking_extent');
  }
}
