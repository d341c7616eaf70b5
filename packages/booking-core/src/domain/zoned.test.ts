import { describe, expect, it } from 'vitest';
import { Temporal } from 'temporal-polyfill';
import { formatLocal } from './zoned.js';

// formatLocal reads ICU's fields instead of building a Temporal ZonedDateTime per instant; it
// must print exactly what Temporal prints, DST changes, half-hour zones and UTC included.
const temporal = (epochMs: number, timeZone: string) =>
  Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).toString({ timeZoneName: 'never' });

const DAYS: [string, string][] = [
  ['Europe/Paris', '2030-03-31'],
  ['Europe/Paris', '2030-10-27'],
  ['America/New_York', '2030-03-10'],
  ['America/New_York', '2030-11-03'],
  ['Australia/Lord_Howe', '2030-10-06'],
  ['Australia/Lord_Howe', '2030-04-07'],
  ['Asia/Kathmandu', '2030-06-01'],
  ['UTC', '2030-06-01'],
  ['Africa/Monrovia', '1971-06-01'],
];

describe('formatLocal', () => {
  it.each(DAYS)('prints what Temporal prints, every 7 minutes of %s on %s and the days around it', (timeZone, date) => {
    const from = Date.parse(`${date}T00:00:00Z`) - 86_400_000;
    for (let instant = from; instant < from + 3 * 86_400_000; instant += 7 * 60_000 + 13_000) {
      expect(formatLocal(instant, timeZone), new Date(instant).toISOString()).toBe(temporal(instant, timeZone));
    }
  });
});
