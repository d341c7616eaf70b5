import { randomBytes, randomInt } from 'node:crypto';
import { REFERENCE_ALPHABET, REFERENCE_LENGTH } from '../contract/bookings.js';

/**
 * A booking id is its capability (anyone holding it may confirm or release), so it carries
 * 128 random bits and says nothing about order or count.
 */
export function newBookingId(): string {
  return `bk_${randomBytes(16).toString('base64url')}`;
}

/** An event's id, and the `webhook-id` of its deliveries: 128 random bits. */
export const newEventId = () => `evt_${randomBytes(16).toString('base64url')}`;

export const newWebhookId = () => `wh_${randomBytes(12).toString('base64url')}`;

/** A webhook signing secret: `whsec_` and 32 random bytes in base64, the form Standard Webhooks libraries take. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** A booking's reference: 8 characters drawn uniformly from the alphabet without look-alikes. */
export function newReference(): string {
  return Array.from({ length: REFERENCE_LENGTH }, () => REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)]).join('');
}
