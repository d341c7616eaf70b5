import { Migration } from '@mikro-orm/migrations';
import { BACKFILL_REFERENCES } from '../references.js';

/** A booking lasts at most a day and its reset at most a day: overlap probes look back this far. */
const LOOKBACK_MS = 2 * 86_400_000;

/**
 * Sessions: venue settings, room terms and schedules, and bookings that carry their party,
 * their locked price, their reference and their reset buffer. A booking now blocks
 * [start_at, end_at + buffer_ms), and the guard triggers are replaced by ones that refuse
 * overlapping blocked intervals (with buffer 0, as every earlier booking has, the same rule).
 */
export class Migration20261125000000_sessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table venue (
      id integer not null primary key check (id = 1),
      name varchar(200) not null,
      timezone varchar(64) not null,
      currency varchar(3) not null,
      min_notice_minutes integer not null check (min_notice_minutes >= 0),
      horizon_days integer null check (horizon_days >= 1),
      cancellation_cutoff_hours integer not null check (cancellation_cutoff_hours >= 0),
      updated_at integer not null
    )`);

    this.addSql('alter table room add column min_players integer not null default 1 check (min_players >= 1)');
    this.addSql('alter table room add column max_players integer null check (max_players >= min_players)');
    this.addSql(`alter table room add column price_per text not null default 'booking' check (price_per in ('booking', 'player'))`);
    this.addSql(`alter table room add column price_tiers text not null default '[]'`);
    this.addSql('alter table room add column buffer_minutes integer not null default 0 check (buffer_minutes between 0 and 1440)');
    this.addSql('alter table room add column schedule text null');

    this.addSql('alter table booking add column players integer not null default 1 check (players >= 1)');
    this.addSql('alter table booking add column buffer_ms integer not null default 0 check (buffer_ms between 0 and 86400000)');
    // Null on bookings made before prices were locked: they read the room's price and the venue's currency.
    this.addSql('alter table booking add column total_cents integer null check (total_cents >= 0)');
    this.addSql('alter table booking add column currency varchar(3) null');
    this.addSql('alter table booking add column reference varchar(8) null');
    this.addSql(BACKFILL_REFERENCES);
    this.addSql('create unique index booking_reference_key on booking (reference)');
    // A writer that does not know references (an older release) still gets one.
    this.addSql(`create trigger booking_reference_default after insert on booking when new.reference is null
      begin
        update booking set reference = replace(replace(hex(randomblob(4)), '0', 'W'), '1', 'X') where id = new.id;
      end`);

    // The covering indexes carry buffer_ms, which every overlap probe now reads.
    this.addSql('drop index booking_room_span_idx');
    this.addSql('drop index booking_span_idx');
    this.addSql('create index booking_room_span_idx on booking (room_id, start_at, end_at, buffer_ms, status, expires_at)');
    this.addSql('create index booking_span_idx on booking (start_at, id, end_at, buffer_ms, room_id, status, expires_at)');

    this.addSql('drop trigger booking_no_overlap_insert');
    this.addSql('drop trigger booking_no_overlap_update');
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
              and b.start_at > new.start_at - ${LOOKBACK_MS}
              and b.start_at < new.end_at + new.buffer_ms
              and b.end_at + b.buffer_ms > new.start_at
              and (b.status = 'confirmed' or (b.status = 'pending' and b.expires_at > ${now}))
          );
        end`);
    }

    // booking_extent now keeps the longest blocked interval, reset included.
    this.addSql('drop trigger booking_extent_insert');
    this.addSql('drop trigger booking_extent_update');
    for (const event of ['insert', 'update of start_at, end_at, buffer_ms']) {
      this.addSql(`create trigger booking_extent_${event.split(' ')[0]}
        after ${event} on booking
        when new.end_at + new.buffer_ms - new.start_at > (select longest_ms from booking_extent)
        begin
          update booking_extent set longest_ms = new.end_at + new.buffer_ms - new.start_at;
        end`);
    }
  }

  override async down(): Promise<void> {
    throw new Error('The sessions migration is not reversible: restore a backup instead');
  }
}
