import { Migration } from '@mikro-orm/migrations';

/**
 * The overlap probes (availability, the hold's check, the trigger) read end_at, status and
 * expires_at of every booking in their start_at range. Carrying those columns in the indexes
 * answers them from the index alone, with no lookup into the table per booking: the benchmark
 * measured the availability query at less than half the time.
 */
export class Migration20261124000000_covering_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop index booking_room_start_idx');
    this.addSql('drop index booking_start_idx');
    this.addSql('create index booking_room_span_idx on booking (room_id, start_at, end_at, status, expires_at)');
    // (start_at, id) first: it also orders the admin listing.
    this.addSql('create index booking_span_idx on booking (start_at, id, end_at, room_id, status, expires_at)');
  }

  override async down(): Promise<void> {
    this.addSql('drop index booking_span_idx');
    this.addSql('drop index booking_room_span_idx');
    this.addSql('create index booking_start_idx on booking (start_at, id)');
    this.addSql('create index booking_room_start_idx on booking (room_id, start_at)');
  }
}
