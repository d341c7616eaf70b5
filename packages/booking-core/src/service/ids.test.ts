import { describe, expect, it } from 'vitest';
import { REFERENCE_ALPHABET, REFERENCE_LENGTH } from '../contract/bookings.js';
import { newBookingId, newEventId, newReference, newWebhookSecret } from './ids.js';

// Ids and references come from one pool of random bytes, refilled every 4 KiB: across many
// refills, none may repeat, and every reference character must stay equally likely.

describe('ids and references', () => {
  it('never repeats an id across many refills of the pool', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      ids.add(newBookingId());
      ids.add(newEventId());
    }
    expect(ids.size).toBe(100_000);
    for (const id of [...ids].slice(0, 1000)) expect(id).toMatch(/^(bk|evt)_[A-Za-z0-9_-]{22}$/);
    expect(newWebhookSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it('draws references from the alphabet, every character about equally often', () => {
    const counts = new Map<string, number>();
    const draws = 62_000;
    for (let i = 0; i < draws; i++) {
      const reference = newReference();
      expect(reference).toHaveLength(REFERENCE_LENGTH);
      for (const char of reference) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect([...counts.keys()].sort().join('')).toBe(REFERENCE_ALPHABET.split('').sort().join(''));
    // 16,000 of each expected; a bias of the byte's remainder (256 is not a multiple of 31) would
    // put the first characters 12% above the rest, far beyond this 5% band (over 6 sigma).
    const expected = (draws * REFERENCE_LENGTH) / REFERENCE_ALPHABET.length;
    for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.05);
  });
});
