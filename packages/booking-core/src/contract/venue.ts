import { z } from 'zod';
import { currencyDecimals } from './money.js';
import { singleLineText } from './text.js';
import { strictNumber } from './rooms.js';

/**
 * A time-zone name as the runtime's ICU data knows it, in its canonical spelling
 * (`europe/paris` becomes `Europe/Paris`). Offsets such as `+02:00` are not zones: they have no
 * daylight saving time, so a venue's sessions would drift by an hour twice a year.
 */
export const TimeZoneName = singleLineText({ min: 1, max: 64 })
  .transform((name, ctx) => {
    try {
      if (/^[+-]/.test(name)) throw new RangeError(name);
      return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Expected an IANA time-zone name such as Europe/Paris' });
      return z.NEVER;
    }
  })
  .meta({ description: 'An IANA time-zone name', example: 'Europe/Paris' });

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 code whose amounts have at most two decimals (prices are stored in hundredths). */
export const CurrencyCode = singleLineText({ min: 3, max: 3 })
  .transform((code) => code.toUpperCase())
  .refine((code) => KNOWN_CURRENCIES.has(code), 'Expected an ISO 4217 currency code such as EUR')
  .refine((code) => !KNOWN_CURRENCIES.has(code) || currencyDecimals(code) <= 2, 'Currencies with more than two decimals are not supported')
  .meta({ description: 'ISO 4217', example: 'EUR' });

const Minutes = strictNumber(z.number().int().min(0).max(525_600));
const Days = strictNumber(z.number().int().min(1).max(3660));
const Hours = strictNumber(z.number().int().min(0).max(8760));

export const VenueSchema = z
  .object({
    name: z.string().meta({ example: 'Locked In Paris' }),
    timezone: z.string().meta({ description: 'IANA time zone: schedules and local times are in it', example: 'Europe/Paris' }),
    currency: z.string().meta({ description: 'ISO 4217: every price and total is in it', example: 'EUR' }),
    min_notice_minutes: z.number().int().meta({ description: 'A session can be held until this long before it starts', example: 120 }),
    horizon_days: z.number().int().nullable().meta({ description: 'How many days ahead sessions can be held; null: no limit', example: 60 }),
    cancellation_cutoff_hours: z.number().int().meta({ description: 'Guests may cancel until this long before the start', example: 24 }),
  })
  .meta({ id: 'Venue' });
export type Venue = z.infer<typeof VenueSchema>;

/** What a venue starts as when nothing says otherwise (data/venue.json usually does). */
export const DEFAULT_VENUE: Venue = {
  name: 'Escape rooms',
  timezone: 'UTC',
  currency: 'EUR',
  min_notice_minutes: 0,
  horizon_days: null,
  cancellation_cutoff_hours: 0,
};

export const VenueOutput = z.object({ venue: VenueSchema });

export const UpdateVenueInput = z
  .object({
    name: singleLineText({ min: 1, max: 200 }).meta({ example: 'Locked In Paris' }),
    timezone: TimeZoneName,
    currency: CurrencyCode,
    min_notice_minutes: Minutes.meta({ example: 120 }),
    horizon_days: Days.nullable().meta({ example: 60 }),
    cancellation_cutoff_hours: Hours.meta({ example: 24 }),
  })
  .partial();
export type UpdateVenueInput = z.input<typeof UpdateVenueInput>;
export type UpdateVenueRequest = z.output<typeof UpdateVenueInput>;

/** data/venue.json: a fresh install's first settings, every field optional. */
export const VenueFileSchema = UpdateVenueInput;
