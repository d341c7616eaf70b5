/** Helpers for this repository's own tests: real databases of either driver, created and dropped per test. */
export * from './postgres.js';
export * from './fresh-database.js';
