import { describe, expect, it } from 'vitest';
import { CreateRoomInput } from './admin.js';
import { isWholeCents } from './money.js';

describe('prices in whole cents', () => {
  it('accepts every two-decimal price as JSON would parse it, up to the maximum', () => {
    // Every cent up to 10 000.00, then a stride up to 1 000 000.00: the text a client sends, parsed.
    const refused: number[] = [];
    const check = (cents: number) => isWholeCents(Number((cents / 100).toFixed(2))) || refused.push(cents);
    for (let cents = 0; cents <= 1_000_000; cents++) check(cents);
    for (let cents = 1_000_000; cents <= 100_000_000; cents += 9_973) check(cents);
    check(99_999_999);
    expect(refused).toEqual([]);
  });

  it('refuses a third decimal, which multipleOf(0.01) did too, but not 19.99, which it refused', () => {
    for (const price of [1.234, 0.001, 19.995, 999_999.991]) expect(isWholeCents(price), String(price)).toBe(false);
    expect(CreateRoomInput.safeParse({ name: 'x', price: 19.99 }).success).toBe(true);
    const refused = CreateRoomInput.safeParse({ name: 'x', price: 1.234 });
    expect(refused.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['price']);
  });
});
