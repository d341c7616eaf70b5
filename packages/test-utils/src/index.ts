// Private helpers for the tests and the benchmark: temporary databases on both drivers, the
// compiled server started as a real process, and a webhook receiver on loopback. Never part of
// a published package.
export * from './databases.js';
export * from './receiver.js';
export * from './spawn.js';
