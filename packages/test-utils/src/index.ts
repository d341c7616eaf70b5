// Private helpers for the tests and the benchmark: temporary databases on both drivers, and the
// compiled server started as a real process. Never part of a published package.
export * from './databases.js';
export * from './spawn.js';
