import type { FieldIssue } from '../contract/errors.js';
import { WEEKDAYS, minuteOfDay, type DayRule, type Schedule } from '../contract/schedule.js';
import type { Interval } from './interval.js';
import { addDays, localInstant, weekdayOf } from './zoned.js';

// A room's schedule turned into sessions. The rules live here once: which rule a date follows,
// where an open/close day puts its games, which schedules overlap themselves, and what DST
// does to a wall-clock start.

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;

/** What a schedule needs from its room: the reset after each game. */
export interface SessionShape {
  schedule: Schedule;
  bufferMinutes: number;
}

/** The rule a date follows: its exception if it has one, else its weekday's; null when closed. */
function ruleFor(schedule: Schedule, date: string): DayRule | null {
  const exception = schedule.exceptions.find((e) => e.date === date);
  if (exception) return 'closed' in exception ? null : exception;
  return schedule.weekly[weekdayOf(date)] ?? null;
}

/** A day's session starts, in minutes since local midnight, ascending. */
function startMinutes(rule: DayRule | null, { schedule, bufferMinutes }: SessionShape): number[] {
  if (!rule) return [];
  if ('starts' in rule) return rule.starts.map(minuteOfDay);
  const starts: number[] = [];
  const close = minuteOfDay(rule.close);
  for (let start = minuteOfDay(rule.open); start + schedule.session_minutes <= close; start += schedule.session_minutes + bufferMinutes) {
    starts.push(start);
  }
  return starts;
}

/**
 * The sessions of one venue-local date, as UTC intervals, ascending. A start that does not
 * exist that day (spring forward) is left out; one that happens twice (fall back) is offered
 * at its first instant. When a skipped hour brings two starts closer than a game and its reset,
 * the later one is left out: the room cannot run both.
 */
export function sessionsOn(
  shape: SessionShape,
  date: string,
  timeZone: string,
  toInstant: (date: string, minute: number) => number | null = (d, m) => localInstant(d, m, timeZone),
): Interval[] {
  const sessionMs = shape.schedule.session_minutes * MINUTE;
  const blockedMs = sessionMs + shape.bufferMinutes * MINUTE;
  const sessions: Interval[] = [];
  let freeFrom = -Infinity;
  for (const minute of startMinutes(ruleFor(shape.schedule, date), shape)) {
    const start = toInstant(date, minute);
    if (start === null || start < freeFrom) continue;
    sessions.push({ start, end: start + sessionMs });
    freeFrom = start + blockedMs;
  }
  return sessions;
}

/** Whether [start, end) is exactly one of the room's sessions on that start's local date. */
export function isSession(shape: SessionShape, slot: Interval, localDate: string, timeZone: string): boolean {
  return sessionsOn(shape, localDate, timeZone).some((s) => s.start === slot.start && s.end === slot.end);
}

const hhmm = (minute: number) => `${String(Math.floor(minute / 60) % 24).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * Where a schedule's games would run into each other (game plus reset), in wall-clock time:
 * within a day, and from one day's last game into the next day's first. Each issue names the
 * day by its path (`weekly.mon`, `exceptions.2`). Empty when the schedule is sound.
 */
export function scheduleOverlaps(shape: SessionShape): FieldIssue[] {
  const { schedule, bufferMinutes } = shape;
  const blocked = schedule.session_minutes + bufferMinutes;
  const issues: FieldIssue[] = [];
  const check = (path: string, label: string, starts: number[], next: number[], nextLabel: string) => {
    for (let i = 1; i < starts.length; i++) {
      const previous = starts[i - 1];
      const current = starts[i];
      if (previous !== undefined && current !== undefined && previous + blocked > current) {
        issues.push({ path, message: `On ${label}, the ${hhmm(previous)} game and its reset run into the ${hhmm(current)} game` });
        return;
      }
    }
    const last = starts.at(-1);
    const first = next[0];
    if (last !== undefined && first !== undefined && last + blocked > DAY_MINUTES + first) {
      issues.push({ path, message: `On ${label}, the ${hhmm(last)} game and its reset run into ${nextLabel}'s ${hhmm(first)} game` });
    }
  };
  const weeklyStarts = (day: (typeof WEEKDAYS)[number]) => startMinutes(schedule.weekly[day] ?? null, shape);
  WEEKDAYS.forEach((day, i) => {
    const next = WEEKDAYS[(i + 1) % WEEKDAYS.length] ?? WEEKDAYS[0];
    check(`weekly.${day}`, day, weeklyStarts(day), weeklyStarts(next), next);
  });
  schedule.exceptions.forEach((exception, i) => {
    const startsOf = (date: string) => startMinutes(ruleFor(schedule, date), shape);
    const previousDate = addDays(exception.date, -1);
    const nextDate = addDays(exception.date, 1);
    check(`exceptions.${i}`, exception.date, startsOf(exception.date), startsOf(nextDate), nextDate);
    // The day before runs into this one: reported here, since this exception is what changed it.
    const before = startsOf(previousDate);
    const last = before.at(-1);
    const first = startsOf(exception.date)[0];
    if (last !== undefined && first !== undefined && last + blocked > DAY_MINUTES + first) {
      issues.push({ path: `exceptions.${i}`, message: `On ${previousDate}, the ${hhmm(last)} game and its reset run into ${exception.date}'s ${hhmm(first)} game` });
    }
  });
  return issues;
}
