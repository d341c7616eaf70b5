import { describe, expect, it } from 'vitest';
import { currencyDecimals, fromCents, isExactIn, toCents } from '../contract/money.js';
import { partyFits, totalCents, type PriceTerms } from './pricing.js';

const terms = (price: number, pricePer: PriceTerms['pricePer'], tiers: [number, number][] = []): PriceTerms => ({
  priceCents: toCents(price),
  pricePer,
  tiers: tiers.map(([minPlayers, tierPrice]) => ({ minPlayers, priceCents: toCents(tierPrice) })),
});
const total = (t: PriceTerms, players: number) => fromCents(totalCents(t, players));

describe('totalCents', () => {
  it('is exact: 3 players at 33.33 pay 99.99, not 99.99000000000001', () => {
    expect(totalCents(terms(33.33, 'player'), 3)).toBe(9999);
    expect(total(terms(33.33, 'player'), 3)).toBe(99.99);
    expect(total(terms(0.1, 'player'), 3)).toBe(0.3);
    expect(total(terms(19.99, 'player'), 7)).toBe(139.93);
  });

  it('multiplies a per-player price by the party, and leaves a per-booking one whole', () => {
    expect(total(terms(25, 'player'), 4)).toBe(100);
    expect(total(terms(25, 'booking'), 4)).toBe(25);
  });

  it('applies the largest tier the party reaches in place of the base price', () => {
    const perPlayer = terms(33.33, 'player', [
      [5, 30],
      [7, 25.5],
    ]);
    expect([2, 4, 5, 6, 7, 8].map((n) => total(perPlayer, n))).toEqual([66.66, 133.32, 150, 180, 178.5, 204]);
    const perBooking = terms(100, 'booking', [[5, 120]]);
    expect([4, 5, 9].map((n) => total(perBooking, n))).toEqual([100, 120, 120]);
  });

  it('keeps whole yen whole', () => {
    expect(total(terms(1500, 'player', [[4, 1300]]), 3)).toBe(4500);
    expect(total(terms(1500, 'player', [[4, 1300]]), 4)).toBe(5200);
  });
});

describe('partyFits', () => {
  it('takes parties within the limits, both ends included; null max is no limit', () => {
    const limited = { minPlayers: 2, maxPlayers: 6 };
    expect([1, 2, 6, 7].map((n) => partyFits(limited, n))).toEqual([false, true, true, false]);
    expect(partyFits({ minPlayers: 1, maxPlayers: null }, 1000)).toBe(true);
  });
});

describe('money in a currency', () => {
  it('knows how many decimals a currency has', () => {
    expect(currencyDecimals('EUR')).toBe(2);
    expect(currencyDecimals('JPY')).toBe(0);
    expect(currencyDecimals('KWD')).toBe(3);
  });

  it('takes whole yen only, and whole cents', () => {
    expect(isExactIn(1500, 'JPY')).toBe(true);
    expect(isExactIn(1500.5, 'JPY')).toBe(false);
    expect(isExactIn(33.33, 'EUR')).toBe(true);
    expect(isExactIn(33.333, 'EUR')).toBe(false);
  });
});
