import { randomBytes } from 'node:crypto';

/**
 * A booking id is its capability (anyone holding it may confirm or release), so it carries
 * 128 random bits and says nothing about order or count.
 */
export function newBookingId(): string {
  return `bk_${randomBytes(16).toString('base64url')}`;
}
