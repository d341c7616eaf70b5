import { describe, expect, it } from 'vitest';
import { ScheduleSchema, WEEKDAYS, type Schedule } from '../contract/schedule.js';
import { isSession, scheduleOverlaps, sessionsOn } from './schedule.js';
import { formatLocal, localInstant, venueClock } from './zoned.js';

// The rules that turn a schedule into sessions, without a database. The DST days themselves,
// through the service on both drivers, are in service/sessions.test.ts.

const schedule = (input: unknown): Schedule => ScheduleSchema.parse(input);
const utc = (iso: string) => Date.parse(iso);
const weeklyEveryDay = (rule: unknown) => Object.fromEntries(WEEKDAYS.map((day) => [day, rule]));
const starts = (shape: { schedule: Schedule; bufferMinutes: number }, date: string, zone: string) =>
  sessionsOn(shape, date, venueClock(zone)).map((s) => ({ start: new Date(s.start).toISOString(), local: formatLocal(s.start, zone), minutes: (s.end - s.start) / 60_000 }));

describe('an open/close day on a spring-forward date', () => {
  it('ends its last game by the real closing time, which the skipped hour brings forward', () => {
    // New York, 2030-03-10: 02:00 EST jumps to 03:00 EDT. Open 00:30, close 03:00, 60-minute games.
    const shape = { schedule: schedule({ session_minutes: 60, weekly: weeklyEveryDay({ open: '00:30', close: '03:00' }) }), bufferMinutes: 0 };
    expect(starts(shape, '2030-03-10', 'America/New_York').map((s) => s.local)).toEqual(['2030-03-10T00:30:00-05:00']);
    // A week later the same rule runs both games.
    expect(starts(shape, '2030-03-17', 'America/New_York').map((s) => s.local)).toEqual(['2030-03-17T00:30:00-04:00', '2030-03-17T01:30:00-04:00']);
  });
});

describe('localInstant', () => {
  it('names no instant for a wall-clock time skipped by spring forward', () => {
    expect(localInstant('2030-03-31', 2 * 60, 'Europe/Paris')).toBeNull();
    expect(localInstant('2030-03-31', 2 * 60 + 59, 'Europe/Paris')).toBeNull();
    expect(localInstant('2030-03-31', 3 * 60, 'Europe/Paris')).toBe(utc('2030-03-31T01:00:00Z'));
    expect(localInstant('2030-03-31', 60 + 59, 'Europe/Paris')).toBe(utc('2030-03-31T00:59:00Z'));
    // Lord Howe skips half an hour only.
    expect(localInstant('2030-10-06', 2 * 60 + 29, 'Australia/Lord_Howe')).toBeNull();
    expect(localInstant('2030-10-06', 2 * 60 + 30, 'Australia/Lord_Howe')).toBe(utc('2030-10-05T15:30:00Z'));
  });

  it('names the first of the two instants of a wall-clock time repeated by fall back', () => {
    expect(localInstant('2030-10-27', 2 * 60 + 30, 'Europe/Paris')).toBe(utc('2030-10-27T00:30:00Z'));
    expect(localInstant('2030-11-03', 60 + 30, 'America/New_York')).toBe(utc('2030-11-03T05:30:00Z'));
    expect(localInstant('2030-04-07', 60 + 45, 'Australia/Lord_Howe')).toBe(utc('2030-04-06T14:45:00Z'));
  });
});

describe('sessionsOn', () => {

  it('puts an open/close day every game plus reset from open, while the game ends by close', () => {
    const shape = { schedule: schedule({ session_minutes: 60, weekly: weeklyEveryDay({ open: '10:00', close: '13:30' }) }), bufferMinutes: 15 };
    expect(starts(shape, '2030-06-03', 'UTC').map((s) => s.start)).toEqual([
      '2030-06-03T10:00:00.000Z',
      '2030-06-03T11:15:00.000Z',
      // 12:30 + 60 = 13:30: ends exactly at close, so it is offered.
      '2030-06-03T12:30:00.000Z',
    ]);
    const shorter = { ...shape, schedule: schedule({ session_minutes: 60, weekly: weeklyEveryDay({ open: '10:00', close: '13:29' }) }) };
    expect(starts(shorter, '2030-06-03', 'UTC')).toHaveLength(2);
  });

  it('leaves out a start that, after the skipped hour, would run into the previous game and its reset', () => {
    // 01:30 CET is 00:30Z; 03:00 CEST is 01:00Z, only 30 real minutes later.
    const tight = { schedule: schedule({ session_minutes: 60, weekly: { sun: { starts: ['01:30', '03:00', '04:30'] } } }), bufferMinutes: 15 };
    expect(starts(tight, '2030-03-31', 'Europe/Paris')).toEqual([
      { start: '2030-03-31T00:30:00.000Z', local: '2030-03-31T01:30:00+01:00', minutes: 60 },
      { start: '2030-03-31T02:30:00.000Z', local: '2030-03-31T04:30:00+02:00', minutes: 60 },
    ]);
    // A game that fits in the real half hour keeps its follower.
    const short = { schedule: schedule({ session_minutes: 25, weekly: { sun: { starts: ['01:30', '03:00'] } } }), bufferMinutes: 5 };
    expect(starts(short, '2030-03-31', 'Europe/Paris').map((s) => s.local)).toEqual(['2030-03-31T01:30:00+01:00', '2030-03-31T03:00:00+02:00']);
  });

  it('follows an exception instead of the weekly rule on its date only', () => {
    const shape = {
      schedule: schedule({
        session_minutes: 60,
        weekly: weeklyEveryDay({ starts: ['10:00', '12:00'] }),
        exceptions: [
          { date: '2030-12-25', closed: true },
          { date: '2030-12-31', starts: ['18:00', '19:15'] },
          { date: '2031-01-01', open: '14:00', close: '16:00' },
        ],
      }),
      bufferMinutes: 0,
    };
    expect(starts(shape, '2030-12-24', 'UTC').map((s) => s.start)).toEqual(['2030-12-24T10:00:00.000Z', '2030-12-24T12:00:00.000Z']);
    expect(starts(shape, '2030-12-25', 'UTC')).toEqual([]);
    expect(starts(shape, '2030-12-31', 'UTC').map((s) => s.start)).toEqual(['2030-12-31T18:00:00.000Z', '2030-12-31T19:15:00.000Z']);
    expect(starts(shape, '2031-01-01', 'UTC').map((s) => s.start)).toEqual(['2031-01-01T14:00:00.000Z', '2031-01-01T15:00:00.000Z']);
    expect(starts(shape, '2031-01-02', 'UTC')).toHaveLength(2);
  });

  it('leaves a day missing from weekly closed', () => {
    const shape = { schedule: schedule({ session_minutes: 60, weekly: { sat: { starts: ['10:00'] } } }), bufferMinutes: 0 };
    expect(starts(shape, '2030-06-01', 'UTC')).toHaveLength(1); // a Saturday
    expect(starts(shape, '2030-06-02', 'UTC')).toEqual([]);
  });

  it('takes as a session exactly a listed interval, on its own local date', () => {
    const shape = { schedule: schedule({ session_minutes: 60, weekly: weeklyEveryDay({ starts: ['00:30', '10:00'] }) }), bufferMinutes: 0 };
    const zone = 'Europe/Paris';
    const at = (iso: string, minutes = 60) => ({ start: utc(iso), end: utc(iso) + minutes * 60_000 });
    // 00:30 on 2030-06-04 in Paris is 22:30Z on the 3rd.
    expect(isSession(shape, at('2030-06-03T22:30:00Z'), '2030-06-04', venueClock(zone))).toBe(true);
    expect(isSession(shape, at('2030-06-03T22:30:00Z'), '2030-06-03', venueClock(zone))).toBe(false);
    expect(isSession(shape, at('2030-06-04T08:00:00Z', 59), '2030-06-04', venueClock(zone))).toBe(false);
    expect(isSession(shape, at('2030-06-04T08:01:00Z'), '2030-06-04', venueClock(zone))).toBe(false);
  });
});

describe('scheduleOverlaps', () => {
  const shape = (input: unknown, bufferMinutes = 0) => ({ schedule: schedule(input), bufferMinutes });

  it('is empty for a sound schedule, back-to-back games included', () => {
    expect(scheduleOverlaps(shape({ session_minutes: 60, weekly: { mon: { starts: ['10:00', '11:15'] }, sat: { open: '10:00', close: '23:00' } } }, 15))).toEqual([]);
  });

  it('names the weekday whose games run into each other', () => {
    const issues = scheduleOverlaps(shape({ session_minutes: 60, weekly: { tue: { starts: ['10:00', '11:00'] }, mon: { starts: ['10:00', '10:30'] } } }, 0));
    expect(issues.map((i) => i.path)).toEqual(['weekly.mon']);
    expect(issues[0]!.message).toContain('10:00');
    // Only the reset makes these two collide.
    expect(scheduleOverlaps(shape({ session_minutes: 60, weekly: { wed: { starts: ['10:00', '11:00'] } } }, 1)).map((i) => i.path)).toEqual(['weekly.wed']);
  });

  it('names the day whose last game runs into the next day’s first, Sunday into Monday too', () => {
    const issues = scheduleOverlaps(shape({ session_minutes: 60, weekly: { sun: { starts: ['23:30'] }, mon: { starts: ['00:15'] } } }, 0));
    expect(issues.map((i) => i.path)).toEqual(['weekly.sun']);
  });

  it('names an exception that runs into, or is run into by, its neighbours', () => {
    const into = scheduleOverlaps(
      shape({ session_minutes: 60, weekly: { tue: { starts: ['00:30'] } }, exceptions: [{ date: '2030-12-30', starts: ['23:45'] }] }, 0),
    ); // 2030-12-30 is a Monday, the 31st a Tuesday
    expect(into.map((i) => i.path)).toEqual(['exceptions.0']);
    const intoIt = scheduleOverlaps(
      shape({ session_minutes: 60, weekly: { sun: { starts: ['23:30'] } }, exceptions: [{ date: '2030-12-30', starts: ['00:00'] }] }, 0),
    );
    expect(intoIt.map((i) => i.path)).toEqual(['exceptions.0']);
    expect(intoIt[0]!.message).toContain('2030-12-29');
    const within = scheduleOverlaps(shape({ session_minutes: 60, weekly: {}, exceptions: [{ date: '2030-12-24', closed: true }, { date: '2030-12-31', starts: ['18:00', '18:59'] }] }, 0));
    expect(within.map((i) => i.path)).toEqual(['exceptions.1']);
  });
});
