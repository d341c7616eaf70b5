import { Temporal } from 'temporal-polyfill';
import { WEEKDAYS, type Weekday } from '../contract/schedule.js';

// Venue-local time, through Temporal's time-zone rules: never an offset added by hand.

/** A venue-local wall-clock time at its earliest instant: the first of two, or shifted back out of a gap. */
function earliest(date: string, minuteOfDay: number, timeZone: string) {
  const wall = Temporal.PlainDate.from(date).toPlainDateTime({ hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 });
  return { wall, zoned: wall.toZonedDateTime(timeZone, { disambiguation: 'earlier' }) };
}

/**
 * The instant a venue-local wall-clock time names, or null when that time does not exist that
 * day (the hour skipped when clocks spring forward). A time that happens twice (when clocks
 * fall back) names its first instant.
 */
export function localInstant(date: string, minuteOfDay: number, timeZone: string): number | null {
  const { wall, zoned } = earliest(date, minuteOfDay, timeZone);
  // In a gap, 'earlier' moves the wall time back by the gap: the time asked for never happens.
  return Temporal.PlainDateTime.compare(zoned.toPlainDateTime(), wall) === 0 ? zoned.epochMilliseconds : null;
}

/**
 * The instant a venue-local wall-clock time names, for a deadline: a time in a skipped hour, or
 * one that happens twice, names the earliest instant it could mean.
 */
export function localDeadline(date: string, minuteOfDay: number, timeZone: string): number {
  return earliest(date, minuteOfDay, timeZone).zoned.epochMilliseconds;
}

/**
 * One venue's wall clock, remembering what it has converted: rooms share their times, and so do
 * the requests for a day's sessions, so a grid over a thousand rooms converts each local time
 * once per process. The rules of a zone do not change while a process runs.
 */
export interface VenueClock {
  readonly timeZone: string;
  /** `localInstant` */
  instant(date: string, minuteOfDay: number): number | null;
  /** `localDeadline` */
  deadline(date: string, minuteOfDay: number): number;
  /** `formatLocal` */
  format(epochMs: number): string;
}

/** Each zone's answers are kept up to this many; then forgotten at once and learnt again. */
const REMEMBERED = 20_000;

function remembered<K, V>(compute: (key: K) => V): (key: K) => V {
  const seen = new Map<K, V>();
  return (key) => {
    if (seen.has(key)) return seen.get(key) as V;
    const value = compute(key);
    if (seen.size >= REMEMBERED) seen.clear();
    seen.set(key, value);
    return value;
  };
}

const clocks = new Map<string, VenueClock>();

export function venueClock(timeZone: string): VenueClock {
  let clock = clocks.get(timeZone);
  if (clock) return clock;
  const split = (key: string): [string, number] => [key.slice(0, 10), Number(key.slice(11))];
  const instant = remembered((key: string) => localInstant(...split(key), timeZone));
  const deadline = remembered((key: string) => localDeadline(...split(key), timeZone));
  const format = remembered((epochMs: number) => formatLocal(epochMs, timeZone));
  clock = {
    timeZone,
    instant: (date, minute) => instant(`${date} ${minute}`),
    deadline: (date, minute) => deadline(`${date} ${minute}`),
    format,
  };
  clocks.set(timeZone, clock);
  return clock;
}

/** The venue-local date of an instant, YYYY-MM-DD. */
export function localDateOf(epochMs: number, timeZone: string): string {
  return venueClock(timeZone).format(epochMs).slice(0, 'YYYY-MM-DD'.length);
}

const LOCAL_PARTS = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' } as const;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** ICU's formatter for a zone, made once: wall-clock fields and the offset as `GMT+02:00`. */
function localFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { ...LOCAL_PARTS, hourCycle: 'h23', timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * An instant as venue-local time with its offset, e.g. 2030-03-31T10:00:00+02:00: what
 * Temporal's ZonedDateTime prints (zoned.test.ts holds the two equal across DST changes), read
 * from ICU's own fields. Every booking on the wire carries two, and Temporal's objects cost
 * six times as long and a heap's worth of garbage under load.
 */
export function formatLocal(epochMs: number, timeZone: string): string {
  const f: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of localFormatter(timeZone).formatToParts(epochMs)) f[part.type] = part.value;
  // ICU writes a zero offset as plain `GMT`.
  const offset = f.timeZoneName === 'GMT' ? '+00:00' : (f.timeZoneName ?? '').slice(3);
  // An offset with seconds (some zones before 1972) is Temporal's to round, as the wire wants minutes.
  if (offset.length !== '+00:00'.length) return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).toString({ timeZoneName: 'never' });
  return `${f.year}-${f.month}-${f.day}T${f.hour}:${f.minute}:${f.second}${offset}`;
}

/** The date `days` after a YYYY-MM-DD date (negative: before). */
export function addDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString();
}

export function weekdayOf(date: string): Weekday {
  // Temporal numbers Monday 1 to Sunday 7, as WEEKDAYS is ordered.
  const weekday = WEEKDAYS[Temporal.PlainDate.from(date).dayOfWeek - 1];
  if (weekday === undefined) throw new RangeError(`No weekday for ${date}`);
  return weekday;
}

/** The same venue-local wall-clock time `days` calendar days later: 24 hours, or 23 or 25 across a DST change. */
export function addLocalDays(epochMs: number, days: number, timeZone: string): number {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).add({ days }).epochMilliseconds;
}

/** The first instant of a venue-local date. */
export function startOfLocalDay(date: string, timeZone: string): number {
  return Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).epochMilliseconds;
}
