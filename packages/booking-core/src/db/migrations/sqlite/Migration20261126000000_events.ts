import { Migration } from '@mikro-orm/migrations';
import { EVENT_TABLES, SQLITE_TYPES, eventTables } from '../events-tables.js';

/**
 * Booking events (the transactional outbox), webhook endpoints with their subscriptions, and
 * deliveries with their attempts. Only new tables: an instance of the previous release keeps
 * serving while this one migrates (it writes no events; nothing here waits for it).
 */
export class Migration20261126000000_events extends Migration {
  override async up(): Promise<void> {
    for (const statement of eventTables(SQLITE_TYPES)) this.addSql(statement);
  }

  override async down(): Promise<void> {
    for (const table of EVENT_TABLES) this.addSql(`drop table if exists ${table}`);
  }
}
