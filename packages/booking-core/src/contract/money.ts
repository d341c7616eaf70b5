/**
 * Money is exact: stored and computed in integer minor units (cents), shown on the wire as a
 * decimal amount. The one conversion between the two, both ways.
 */
export const toCents = (amount: number): number => Math.round(amount * 100);
export const fromCents = (cents: number): number => cents / 100;

/**
 * True when an amount is a whole number of cents. Not `multipleOf(0.01)`: in binary floating
 * point 19.99 / 0.01 is not an integer, so zod and JSON-Schema validators alike refuse it.
 * The tolerance is far below a cent and far above the error of multiplying a 7-digit price.
 */
export function isWholeCents(amount: number): boolean {
  const cents = amount * 100;
  return Math.abs(cents - Math.round(cents)) < 1e-6;
}

/**
 * How many decimals a currency's amounts have (JPY 0, EUR 2), from the ICU data every runtime
 * ships. Amounts are stored in hundredths, so a currency with more than two is not supported.
 */
export function currencyDecimals(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** True when an amount is exact in the currency: whole yen, whole cents. */
export function isExactIn(amount: number, currency: string): boolean {
  const scaled = amount * 10 ** currencyDecimals(currency);
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}
