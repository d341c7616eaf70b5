import { Migration } from '@mikro-orm/migrations';
import { emailTable } from '../email-table.js';
import { SQLITE_TYPES } from '../events-tables.js';

/**
 * Guest emails owed (confirmations and cancellations). Only a new table: an instance of the
 * previous release keeps serving while this one migrates (it owes no emails).
 */
export class Migration20261127000000_email extends Migration {
  override async up(): Promise<void> {
    for (const statement of emailTable(SQLITE_TYPES)) this.addSql(statement);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists email');
  }
}
