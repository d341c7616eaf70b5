import { driverOf, nativePgPool, type Database } from './orm.js';

// Any constant will do, as long as every instance uses the same one.
const MIGRATION_LOCK = 0x657363617065; // "escape"

/**
 * Applies every pending migration; returns the names it ran. On PostgreSQL several instances
 * may start at once, so they take turns under an advisory lock held on a connection of its
 * own; the second finds nothing pending. (SQLite is the single-node choice: start one first.)
 */
export async function migrate(db: Database): Promise<string[]> {
  const run = async () => (await db.migrator.up()).map((m) => m.name);
  if (driverOf(db) !== 'postgresql') return run();
  const lockHolder = await (await nativePgPool(db)).connect();
  try {
    await lockHolder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await run();
  } finally {
    await lockHolder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    lockHolder.release();
  }
}
