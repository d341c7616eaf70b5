import { Migration } from '@mikro-orm/migrations';
import { BACKFILL_REFERENCES } from '../references.js';

/**
 * Sessions: venue settings, room terms and schedules, and bookings that carry their party,
 * their locked price, their reference and their reset buffer. A booking now blocks
 * [start_at, end_at + buffer_ms): the exclusion constraint is replaced by one on that interval
 * (with buffer 0, as every earlier booking has, the same rule), in one transaction.
 */
export class Migration20261125000000_sessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table venue (
      id integer not null primary key,
      name varchar(200) not null,
      timezone varchar(64) not null,
      currency varchar(3) not null,
      min_notice_minutes integer not null,
      horizon_days integer null,
      cancellation_cutoff_hours integer not null,
      updated_at bigint not null,
      constraint venue_id_check check (id = 1),
      constraint venue_min_notice_minutes_check check (min_notice_minutes >= 0),
      constraint venue_horizon_days_check check (horizon_days >= 1),
      constraint venue_cancellation_cutoff_hours_check check (cancellation_cutoff_hours >= 0)
    )`);

    this.addSql(`alter table room
      add column min_players integer not null default 1,
      add column max_players integer null,
      add column price_per text not null default 'booking',
      add column price_tiers text not null default '[]',
      add column buffer_minutes integer not null default 0,
      add column schedule text null,
      add constraint room_min_players_check check (min_players >= 1),
      add constraint room_max_players_check check (max_players >= min_players),
      add constraint room_price_per_check check (price_per in ('booking', 'player')),
      add constraint room_buffer_minutes_check check (buffer_minutes between 0 and 1440)`);

    // Null total and currency: booked before prices were locked; they read the room's price and the venue's currency.
    this.addSql(`alter table booking
      add column players integer not null default 1,
      add column buffer_ms bigint not null default 0,
      add column total_cents bigint null,
      add column currency varchar(3) null,
      add column reference varchar(8) null,
      add constraint booking_players_check check (players >= 1),
      add constraint booking_buffer_ms_check check (buffer_ms between 0 and 86400000),
      add constraint booking_total_cents_check check (total_cents >= 0)`);
    this.addSql(BACKFILL_REFERENCES);
    this.addSql('alter table booking add constraint booking_reference_key unique (reference)');
    // A writer that does not know references (an older release) still gets one.
    this.addSql(`alter table booking alter column reference set default upper(translate(substr(md5(random()::text), 1, 8), '01', 'wx'))`);

    this.addSql(`alter table booking add constraint booking_no_overlap_blocked exclude using gist (
        room_id with =,
        int8range(start_at, end_at + buffer_ms, '[)') with &&
      ) where (status in ('pending', 'confirmed'))`);
    this.addSql('alter table booking drop constraint booking_no_overlap');

    // The covering indexes carry buffer_ms, which every overlap probe now reads.
    this.addSql('drop index booking_room_span_idx');
    this.addSql('drop index booking_span_idx');
    this.addSql('create index booking_room_span_idx on booking (room_id, start_at) include (end_at, buffer_ms, status, expires_at)');
    this.addSql('create index booking_span_idx on booking (start_at, id) include (end_at, buffer_ms, room_id, status, expires_at)');

    // booking_extent now keeps the longest blocked interval, reset included.
    this.addSql(`create or replace function booking_extent_grow() returns trigger language plpgsql as $$
      begin
        update booking_extent e set longest_ms = x.longest
          from (select max(end_at + buffer_ms - start_at) as longest from written) x
          where x.longest > e.longest_ms;
        return null;
      end $$`);
  }

  override async down(): Promise<void> {
    throw new Error('The sessions migration is not reversible: restore a backup instead');
  }
}
