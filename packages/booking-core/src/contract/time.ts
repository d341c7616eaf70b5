import { z } from 'zod';
import { singleLineText } from './text.js';

// YYYY-MM-DD, optionally followed by Thh:mm[:ss[.fff]] and a zone (Z or ±hh:mm / ±hhmm).
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

const MIN_YEAR = 1970;
const MAX_YEAR = 9999;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses an ISO-8601 date-time strictly into epoch milliseconds, or returns null.
 * `Date.parse` is not used because it silently rolls impossible dates (30 February) over.
 * A time without a zone is taken as UTC; a date alone means its midnight UTC.
 */
export function parseIsoInstant(text: string): number | null {
  const m = ISO_8601.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (year < MIN_YEAR || year > MAX_YEAR) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;

  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const millis = Number(frac.padEnd(3, '0').slice(0, 3));
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** Renders epoch milliseconds as the wire format: ISO-8601 UTC ending in `Z`. */
export function formatInstant(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** An optional stored instant on the wire: null stays null (PostgreSQL hands bigints over as strings). */
export const formatOptionalInstant = (epochMs: number | string | null | undefined): string | null =>
  epochMs == null ? null : formatInstant(Number(epochMs));

/**
 * An instant on the way in: any ISO-8601 string, normalised to epoch milliseconds.
 * Input stays a plain string on the wire, so query parameters and JSON bodies share it.
 */
export const InstantInput = singleLineText({ max: 40 })
  .transform((text, ctx) => {
    const epochMs = parseIsoInstant(text);
    if (epochMs === null) {
      ctx.addIssue({ code: 'custom', message: 'Expected an ISO-8601 date-time such as 2030-01-31T18:00:00Z' });
      return z.NEVER;
    }
    return epochMs;
  })
  .meta({
    format: 'date-time',
    description: 'ISO-8601; an offset is converted to UTC, a time without one is taken as UTC',
    example: '2030-01-31T18:00:00Z',
  });

/** An instant on the way out: always ISO-8601 UTC with a `Z`. */
export const InstantOutput = z.iso.datetime().meta({ example: '2030-01-31T18:00:00.000Z' });
