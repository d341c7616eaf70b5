import { Migration } from '@mikro-orm/migrations';

/** Admin API keys (only their hash is stored) and archivable rooms. */
export class Migration20261123020000_admin extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table admin_key (
      id varchar(32) not null primary key,
      name varchar(100) not null,
      secret_hash varchar(64) not null,
      created_at integer not null,
      last_used_at integer null,
      revoked_at integer null
    )`);
    this.addSql('alter table room add column archived_at integer null');
  }

  override async down(): Promise<void> {
    this.addSql('alter table room drop column archived_at');
    this.addSql('drop table if exists admin_key');
  }
}
