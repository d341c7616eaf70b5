export * from './clock.js';
export * from './errors.js';
export * from './interval.js';
export * from './status.js';
export * from './hold-policy.js';
