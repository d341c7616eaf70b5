import { Temporal } from 'temporal-polyfill';
import { WEEKDAYS, type Weekday } from '../contract/schedule.js';

// Venue-local time, through Temporal's time-zone rules: never an offset added by hand.

/**
 * The instant a venue-local wall-clock time names, or null when that time does not exist that
 * day (the hour skipped when clocks spring forward). A time that happens twice (when clocks
 * fall back) names its first instant.
 */
export function localInstant(date: string, minuteOfDay: number, timeZone: string): number | null {
  const wall = Temporal.PlainDate.from(date).toPlainDateTime({ hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 });
  const zoned = wall.toZonedDateTime(timeZone, { disambiguation: 'earlier' });
  // In a gap, 'earlier' moves the wall time back by the gap: the time asked for never happens.
  return Temporal.PlainDateTime.compare(zoned.toPlainDateTime(), wall) === 0 ? zoned.epochMilliseconds : null;
}

/** The venue-local date of an instant, YYYY-MM-DD. */
export function localDateOf(epochMs: number, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).toPlainDate().toString();
}

/** An instant as venue-local time with its offset, e.g. 2030-03-31T10:00:00+02:00. */
export function formatLocal(epochMs: number, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).toString({ timeZoneName: 'never' });
}

/** The date `days` after a YYYY-MM-DD date (negative: before). */
export function addDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

export function weekdayOf(date: string): Weekday {
  // Temporal numbers Monday 1 to Sunday 7, as WEEKDAYS is ordered.
  const day = WEEKDAYS[Temporal.PlainDate.from(date).dayOfWeek - 1];
  if (day === undefined) throw new Error(`no weekday for ${date}`);
  return day;
}

/** The same venue-local wall-clock time `days` calendar days later: 24 hours, or 23 or 25 across a DST change. */
export function addLocalDays(epochMs: number, days: number, timeZone: string): number {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).add({ days }).epochMilliseconds;
}

/** The first instant of a venue-local date. */
export function startOfLocalDay(date: string, timeZone: string): number {
  return Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).epochMilliseconds;
}
