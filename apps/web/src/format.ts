/**
 * Everything the page shows as a date, a time or an amount goes through here: venue-local
 * wall-clock time (the venue's zone), the browser's locale, Intl only.
 */

/** The browser's own time zone. */
export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Whether times need their zone named: the guest's clock differs from the venue's. */
export const zoneDiffers = (venueZone: string): boolean => browserZone() !== venueZone;

export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount);
}

/** A time of day at the venue, e.g. "19:00", or "19:00 CEST" when the guest lives elsewhere. */
export function formatTime(instant: string, zone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    hour: 'numeric',
    minute: '2-digit',
    timeZone: zone,
    ...(zoneDiffers(zone) ? { timeZoneName: 'short' } : {}),
  }).format(new Date(instant));
}

/** A session's times at the venue, the zone named once: "19:00 – 20:00", or "19:00 – 20:00 CEST". */
export function formatTimeRange(start: string, end: string, zone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    hour: 'numeric',
    minute: '2-digit',
    timeZone: zone,
    ...(zoneDiffers(zone) ? { timeZoneName: 'short' } : {}),
  }).formatRange(new Date(start), new Date(end));
}

/** A venue-local day (YYYY-MM-DD) in words, e.g. "Tuesday 5 May 2026". */
export function formatDay(date: string, options: Intl.DateTimeFormatOptions = { dateStyle: 'full' }): string {
  // A calendar date, not an instant: noon UTC formatted in UTC is that date in every locale.
  return new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

/** The venue-local date (YYYY-MM-DD) of an instant. */
export function localDate(instant: number | string, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}

/** YYYY-MM-DD arithmetic on calendar dates (no zone: a date plus n days is a date). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const monthOf = (date: string): string => `${date.slice(0, 7)}-01`;

export function addMonths(month: string, months: number): string {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months, 1);
  return d.toISOString().slice(0, 10);
}

export function daysInMonth(month: string): number {
  const d = new Date(`${month}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}

/** "4:59" for a countdown; never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

export function formatDuration(seconds: number): string {
  return seconds < 60 ? `${Math.ceil(seconds)} s` : `${Math.ceil(seconds / 60)} min`;
}
