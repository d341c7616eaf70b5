import { describe, expect, it } from 'vitest';
import { extendedExpiry, holdExpiry, holdPolicyFromMinutes } from './hold-policy.js';

describe('hold policy', () => {
  const policy = holdPolicyFromMinutes(5, 15);

  it('accepts decimal minutes', () => {
    expect(holdPolicyFromMinutes(0.05).holdMs).toBe(3_000);
    expect(holdExpiry(policy, 1_000)).toBe(1_000 + 300_000);
  });

  it('extends to now + hold length, capped at creation + the maximum', () => {
    const created = 0;
    expect(extendedExpiry(policy, created, 60_000)).toBe(360_000);
    expect(extendedExpiry(policy, created, 700_000)).toBe(900_000);
    expect(extendedExpiry(policy, created, 899_999)).toBe(900_000);
  });

  it('never caps below one hold length', () => {
    expect(holdPolicyFromMinutes(20, 15).maxHoldMs).toBe(20 * 60_000);
  });
});
