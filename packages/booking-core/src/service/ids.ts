import { randomFillSync } from 'node:crypto';
import { REFERENCE_ALPHABET, REFERENCE_LENGTH } from '../contract/bookings.js';

/**
 * Random bytes from the system's CSPRNG, drawn 4 KiB at a time and handed out once each, as
 * Node's own `randomUUID` does. A hold needs three draws (its id, its reference, its event's
 * id); drawn one `randomBytes` at a time, they were 4% of a hold's CPU in the benchmark's profile.
 */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let used = POOL_BYTES;

/** Where the next `size` unused bytes of the pool start, refilling it first when too few are left. */
function take(size: number): number {
  if (used + size > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const start = used;
  used += size;
  return start;
}

/** `size` random bytes, written out in `encoding`. */
function randomText(size: number, encoding: 'base64' | 'base64url'): string {
  const start = take(size);
  return pool.toString(encoding, start, start + size);
}

/**
 * A booking id is its capability (anyone holding it may confirm or release), so it carries
 * 128 random bits and says nothing about order or count.
 */
export function newBookingId(): string {
  return `bk_${randomText(16, 'base64url')}`;
}

/** An event's id, and the `webhook-id` of its deliveries: 128 random bits. */
export const newEventId = () => `evt_${randomText(16, 'base64url')}`;

export const newWebhookId = () => `wh_${randomText(12, 'base64url')}`;

/** A webhook signing secret: `whsec_` and 32 random bytes in base64, the form Standard Webhooks libraries take. */
export const newWebhookSecret = () => `whsec_${randomText(32, 'base64')}`;

/** The largest multiple of the alphabet's size a byte reaches: bytes from it up are drawn again, so every character is equally likely. */
const REFERENCE_BYTE_LIMIT = 256 - (256 % REFERENCE_ALPHABET.length);

/** A booking's reference: 8 characters drawn uniformly from the alphabet without look-alikes. */
export function newReference(): string {
  let reference = '';
  while (reference.length < REFERENCE_LENGTH) {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- take() answers an offset inside the pool
    const byte = pool[take(1)]!;
    if (byte < REFERENCE_BYTE_LIMIT) reference += REFERENCE_ALPHABET.charAt(byte % REFERENCE_ALPHABET.length);
  }
  return reference;
}
