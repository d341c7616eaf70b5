export * from './entities.js';
export * from './database-url.js';
export * from './orm.js';
export * from './migrate.js';
export * from './sql.js';
export * as bookingSql from './booking-sql.js';
export * from './wal-checkpointer.js';
