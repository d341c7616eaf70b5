import { Migration } from '@mikro-orm/migrations';
import { CATALOG_TABLES, catalogVersionTable } from '../catalog-version.js';

/**
 * The catalog's version (see catalog-version.ts): a statement trigger per write to a catalog
 * table, so a bulk load bumps it once. The bump holds the row's lock until commit: catalog
 * writers take turns, which they can afford; the hot paths (holds, sessions) never write a
 * catalog table. Only a new table, function and triggers: an instance of the previous release
 * keeps serving (its writes bump it too).
 */
export class Migration20261128000000_catalog_version extends Migration {
  override async up(): Promise<void> {
    for (const statement of catalogVersionTable('bigint')) this.addSql(statement);
    this.addSql(`create function catalog_version_bump() returns trigger language plpgsql as $$
      begin
        update catalog_version set version = version + 1 where id = 1;
        return null;
      end $$`);
    for (const table of CATALOG_TABLES) {
      this.addSql(`create trigger ${table}_catalog_change after insert or update or delete or truncate on ${table}
        for each statement execute function catalog_version_bump()`);
    }
  }

  override async down(): Promise<void> {
    for (const table of CATALOG_TABLES) this.addSql(`drop trigger if exists ${table}_catalog_change on ${table}`);
    this.addSql('drop function if exists catalog_version_bump()');
    this.addSql('drop table if exists catalog_version');
  }
}
