// The table of Migration20261128000000_catalog_version, once for both drivers. Frozen with the
// two migrations that use it.

/** The tables whose rows make up the venue's catalog: settings, rooms (and their schedules). */
export const CATALOG_TABLES = ['venue', 'room'] as const;

/**
 * One row counting the catalog's committed changes. Triggers bump it in the transaction of any
 * write to a catalog table, whoever writes (service, admin CLI, seeding, a later migration), so
 * every process can tell with one row's read whether its cached catalog is still the stored one.
 */
export const catalogVersionTable = (bigint: string): string[] => [
  `create table catalog_version (id integer not null primary key check (id = 1), version ${bigint} not null)`,
  'insert into catalog_version (id, version) values (1, 1)',
];
