import { Migration } from '@mikro-orm/migrations';
import { CATALOG_TABLES, catalogVersionTable } from '../catalog-version.js';

/**
 * The catalog's version (see catalog-version.ts): a row trigger per write to a catalog table.
 * Seeding a thousand rooms bumps it a thousand times, in microseconds each. Only a new table and
 * triggers: an instance of the previous release keeps serving (its writes bump it too).
 */
export class Migration20261128000000_catalog_version extends Migration {
  override async up(): Promise<void> {
    for (const statement of catalogVersionTable('integer')) this.addSql(statement);
    for (const table of CATALOG_TABLES) {
      for (const event of ['insert', 'update', 'delete']) {
        this.addSql(`create trigger ${table}_catalog_${event} after ${event} on ${table}
          begin
            update catalog_version set version = version + 1 where id = 1;
          end`);
      }
    }
  }

  override async down(): Promise<void> {
    for (const table of CATALOG_TABLES) {
      for (const event of ['insert', 'update', 'delete']) this.addSql(`drop trigger if exists ${table}_catalog_${event}`);
    }
    this.addSql('drop table if exists catalog_version');
  }
}
