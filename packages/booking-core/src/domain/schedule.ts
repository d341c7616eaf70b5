import type { FieldIssue } from '../contract/errors.js';
import { WEEKDAYS, minuteOfDay, type DayRule, type Schedule, type Weekday } from '../contract/schedule.js';
import { withReset, type Interval } from './interval.js';
import { addDays, weekdayOf, type VenueClock } from './zoned.js';

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
 * the later one is left out: the room cannot run both. On an open/close day a game must also
 * end by the real closing time, which a skipped hour brings forward.
 */
export function sessionsOn(shape: SessionShape, date: string, clock: VenueClock): Interval[] {
  const rule = ruleFor(shape.schedule, date);
  const sessionMs = shape.schedule.session_minutes * MINUTE;
  const closesAt = rule && 'close' in rule ? clock.deadline(date, minuteOfDay(rule.close)) : Infinity;
  const sessions: Interval[] = [];
  let freeFrom = -Infinity;
  for (const minute of startMinutes(rule, shape)) {
    const start = clock.instant(date, minute);
    if (start === null || start < freeFrom || start + sessionMs > closesAt) continue;
    const session = { start, end: start + sessionMs };
    sessions.push(session);
    freeFrom = withReset(session, shape.bufferMinutes).end;
  }
  return sessions;
}

/** Whether [start, end) is exactly one of the room's sessions on that start's local date. */
export function isSession(shape: SessionShape, slot: Interval, localDate: string, clock: VenueClock): boolean {
  return sessionsOn(shape, localDate, clock).some((s) => s.start === slot.start && s.end === slot.end);
}

const hhmm = (minute: number) => `${String(Math.floor(minute / 60) % 24).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

interface Day {
  label: string;
  starts: number[];
}

/** Where a day's games first run into each other, or into the next day's first game; null if nowhere. */
function firstOverlap(day: Day, next: Day, blocked: number): string | null {
  let previous: number | undefined;
  for (const start of day.starts) {
    if (previous !== undefined && previous + blocked > start) {
      return `On ${day.label}, the ${hhmm(previous)} game and its reset run into the ${hhmm(start)} game`;
    }
    previous = start;
  }
  const [first] = next.starts;
  if (previous !== undefined && first !== undefined && previous + blocked > DAY_MINUTES + first) {
    return `On ${day.label}, the ${hhmm(previous)} game and its reset run into ${next.label}'s ${hhmm(first)} game`;
  }
  return null;
}

/**
 * Where a schedule's games would run into each other (game plus reset), in wall-clock time:
 * within a day, and from one day's last game into the next day's first. Each issue names the
 * day by its path (`weekly.mon`, `exceptions.2`). Empty when the schedule is sound.
 */
export function scheduleOverlaps(shape: SessionShape): FieldIssue[] {
  const { schedule, bufferMinutes } = shape;
  const blocked = schedule.session_minutes + bufferMinutes;
  const issues: FieldIssue[] = [];
  const weekly = (day: Weekday): Day => ({ label: day, starts: startMinutes(schedule.weekly[day] ?? null, shape) });
  WEEKDAYS.forEach((day, i) => {
    const message = firstOverlap(weekly(day), weekly(WEEKDAYS[(i + 1) % WEEKDAYS.length] ?? 'mon'), blocked);
    if (message) issues.push({ path: `weekly.${day}`, message });
  });
  const dated = (date: string): Day => ({ label: date, starts: startMinutes(ruleFor(schedule, date), shape) });
  schedule.exceptions.forEach((exception, i) => {
    // The exception's own day, and the day before running into it: this exception is what changed either.
    const day = dated(exception.date);
    const message = firstOverlap(day, dated(addDays(exception.date, 1)), blocked) ?? firstOverlap(dated(addDays(exception.date, -1)), day, blocked);
    if (message) issues.push({ path: `exceptions.${i}`, message });
  });
  return issues;
}
