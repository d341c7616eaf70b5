import { Migration20261123000000_initial } from './Migration20261123000000_initial.js';
import { Migration20261123010000_idempotency } from './Migration20261123010000_idempotency.js';
import { Migration20261123020000_admin } from './Migration20261123020000_admin.js';
import { Migration20261124000000_covering_indexes } from './Migration20261124000000_covering_indexes.js';
import { Migration20261124010000_booking_extent } from './Migration20261124010000_booking_extent.js';
import { Migration20261125000000_sessions } from './Migration20261125000000_sessions.js';
import { Migration20261126000000_events } from './Migration20261126000000_events.js';
import { Migration20261127000000_email } from './Migration20261127000000_email.js';
import { Migration20261128000000_catalog_version } from './Migration20261128000000_catalog_version.js';

// Migrations only add (expand now, contract in a later release), so an instance of the previous
// release keeps serving while a new one migrates; an applied migration is never edited. See the
// README's architecture section and tests/upgrade.test.ts.

/** Listed explicitly (not discovered by glob) so compiled and source builds run the same set. */
export const postgresqlMigrations = [
  { name: 'Migration20261123000000_initial', class: Migration20261123000000_initial },
  { name: 'Migration20261123010000_idempotency', class: Migration20261123010000_idempotency },
  { name: 'Migration20261123020000_admin', class: Migration20261123020000_admin },
  { name: 'Migration20261124000000_covering_indexes', class: Migration20261124000000_covering_indexes },
  { name: 'Migration20261124010000_booking_extent', class: Migration20261124010000_booking_extent },
  { name: 'Migration20261125000000_sessions', class: Migration20261125000000_sessions },
  { name: 'Migration20261126000000_events', class: Migration20261126000000_events },
  { name: 'Migration20261127000000_email', class: Migration20261127000000_email },
  { name: 'Migration20261128000000_catalog_version', class: Migration20261128000000_catalog_version },
];
