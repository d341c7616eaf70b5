/**
 * Money is exact: stored and computed in integer minor units (cents), shown on the wire as a
 * decimal amount. The one conversion between the two, both ways.
 */
export const toCents = (amount: number): number => Math.round(amount * 100);
export const fromCents = (cents: number): number => cents / 100;
