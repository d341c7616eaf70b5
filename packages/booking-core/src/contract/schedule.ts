import { z } from 'zod';
import { InstantOutput } from './time.js';
import { MAX_PARTY, RoomIdParam, strictNumber } from './rooms.js';

/** The days of a weekly schedule, Monday first (ISO 8601 numbers them 1 to 7 in this order). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A venue-local wall-clock time, HH:MM on a 24-hour clock. */
export const LocalTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Expected a time such as 18:30 (24-hour, HH:MM)')
  .meta({ example: '18:30' });

/** A venue-local calendar date, YYYY-MM-DD, that exists. */
export const LocalDate = z.iso.date().meta({ description: 'A venue-local date', example: '2030-12-31' });

/** Minutes since midnight of an HH:MM time. */
export const minuteOfDay = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

const Starts = z
  .array(LocalTime)
  .min(1)
  .max(96)
  .superRefine((starts, ctx) => {
    starts.forEach((start, i) => {
      const previous = starts[i - 1];
      if (previous !== undefined && minuteOfDay(start) <= minuteOfDay(previous)) {
        ctx.addIssue({ code: 'custom', path: [i], message: 'Start times go in ascending order, each once' });
      }
    });
  })
  .meta({ description: 'Session start times, ascending' });

const FixedStarts = z.strictObject({ starts: Starts }).meta({ id: 'FixedStarts', description: 'Sessions at these times' });
const OpeningHours = z
  .strictObject({ open: LocalTime, close: LocalTime })
  .superRefine((day, ctx) => {
    if (minuteOfDay(day.close) <= minuteOfDay(day.open)) ctx.addIssue({ code: 'custom', path: ['close'], message: 'close must be after open' });
  })
  .meta({
    id: 'OpeningHours',
    description: 'A session every `session_minutes + buffer_minutes` from `open`, for as long as the game ends by `close`',
  });

export const DayRuleSchema = z.union([FixedStarts, OpeningHours]).meta({ id: 'DayRule' });
export type DayRule = z.infer<typeof DayRuleSchema>;

const Closed = z.strictObject({ date: LocalDate, closed: z.literal(true) });
export const ScheduleExceptionSchema = z
  .union([Closed, z.strictObject({ date: LocalDate, ...FixedStarts.shape }), z.strictObject({ date: LocalDate, open: LocalTime, close: LocalTime })])
  .superRefine((day, ctx) => {
    if ('open' in day && minuteOfDay(day.close) <= minuteOfDay(day.open)) {
      ctx.addIssue({ code: 'custom', path: ['close'], message: 'close must be after open' });
    }
  })
  .meta({ id: 'ScheduleException', description: "Replaces the weekly rule on its date: closed, or that day's own sessions" });
export type ScheduleException = z.infer<typeof ScheduleExceptionSchema>;

export const MAX_SESSION_MINUTES = 24 * 60;

export const ScheduleSchema = z
  .object({
    session_minutes: strictNumber(z.number().int().min(5).max(MAX_SESSION_MINUTES)).meta({ description: 'How long one game lasts', example: 60 }),
    weekly: z
      .partialRecord(z.enum(WEEKDAYS), DayRuleSchema)
      .meta({ description: 'A day left out is closed', example: { mon: { starts: ['10:00', '11:15', '12:30'] }, sat: { open: '10:00', close: '23:00' } } }),
    exceptions: z
      .array(ScheduleExceptionSchema)
      .max(1000)
      .default([])
      .superRefine((exceptions, ctx) => {
        const seen = new Set<string>();
        exceptions.forEach((exception, i) => {
          if (seen.has(exception.date)) ctx.addIssue({ code: 'custom', path: [i, 'date'], message: `${exception.date} has more than one exception` });
          seen.add(exception.date);
        });
      })
      .meta({ example: [{ date: '2030-12-25', closed: true }, { date: '2030-12-31', starts: ['18:00', '19:15'] }] }),
  })
  .meta({ id: 'Schedule', description: 'Sessions in venue-local wall-clock time' });
export type Schedule = z.output<typeof ScheduleSchema>;

export const ScheduleOutput = z.object({ schedule: ScheduleSchema.nullable().meta({ description: 'null: the room takes any free range' }) });
/** The body is the schedule itself; the room comes from the path. */
export const SetScheduleInput = z.object({ room_id: RoomIdParam, ...ScheduleSchema.shape });
export const ScheduleRoomRef = z.object({ room_id: RoomIdParam });
export type SetScheduleInput = z.input<typeof SetScheduleInput>;

// ---- sessions ---------------------------------------------------------------------------------

export const MAX_SESSION_DAYS = 31;

export const SessionsInput = z.object({
  date: LocalDate.meta({ description: 'The first venue-local day', example: '2030-03-31' }),
  days: z.coerce.number().int().min(1).max(MAX_SESSION_DAYS).default(1).meta({ description: 'How many days from `date`' }),
  room_id: RoomIdParam.optional(),
  players: z.coerce.number().int().min(1).max(MAX_PARTY).optional().meta({ description: 'Party size: prices are quoted for it and rooms that cannot take it are left out', example: 4 }),
});
export type SessionsInput = z.input<typeof SessionsInput>;
export type SessionsQuery = z.output<typeof SessionsInput>;

export const SESSION_STATUSES = ['available', 'held', 'booked', 'closed'] as const;
export const SessionStatusSchema = z.enum(SESSION_STATUSES).meta({
  id: 'SessionStatus',
  description:
    '`available`; `held`: only a live hold keeps it and it may free up at `held_until`; `booked`; `closed`: past `bookable_until` or beyond the horizon',
});
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

/** A local time with its offset, e.g. 2030-03-31T10:00:00+02:00. */
export const LocalDateTime = z.iso.datetime({ offset: true, local: false }).meta({ example: '2030-03-31T10:00:00+02:00' });

export const SessionSchema = z
  .object({
    room_id: z.number().int().positive().meta({ example: 2 }),
    start_date: InstantOutput.meta({ example: '2030-03-31T08:00:00.000Z' }),
    end_date: InstantOutput.meta({ example: '2030-03-31T09:00:00.000Z' }),
    local_start: LocalDateTime,
    local_end: LocalDateTime.meta({ example: '2030-03-31T11:00:00+02:00' }),
    status: SessionStatusSchema,
    held_until: InstantOutput.optional().meta({ description: 'Only when `held`: when the last hold on it lapses unless confirmed' }),
    bookable_until: InstantOutput.meta({ description: 'Holds are taken until this instant (the start minus the minimum notice)', example: '2030-03-31T06:00:00.000Z' }),
    price: z.object({
      players: z.number().int().positive().meta({ example: 4 }),
      total: z.number().meta({ description: 'For the whole party, in the venue currency', example: 112.5 }),
    }),
  })
  .meta({ id: 'Session' });
export type Session = z.infer<typeof SessionSchema>;

export const SessionsOutput = z.object({
  timezone: z.string().meta({ example: 'Europe/Paris' }),
  currency: z.string().meta({ example: 'EUR' }),
  sessions: z.array(SessionSchema),
});
export type SessionsPage = z.infer<typeof SessionsOutput>;
