/**
 * The contract: every input, output and error of the booking API as zod schemas.
 * This entry imports nothing but zod, so browsers and the SDK can ship it unchanged.
 */
export * from './errors.js';
export * from './text.js';
export * from './time.js';
export * from './rooms.js';
export * from './bookings.js';
export * from './admin.js';
export * from './money.js';
export * from './venue.js';
export * from './schedule.js';
export * from './events.js';
export * from './webhooks.js';
export * from './links.js';
