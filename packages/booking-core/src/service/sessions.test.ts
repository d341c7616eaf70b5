import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateRoomInput,
  HoldInput,
  ListBookingsInput,
  REFERENCE_ALPHABET,
  ScheduleSchema,
  SessionsInput,
  SessionsOutput,
  UpdateRoomInput,
  UpdateVenueInput,
  WEEKDAYS,
  type Session,
} from '../contract/index.js';
import { ManualClock } from '../domain/clock.js';
import { BookingError } from '../domain/errors.js';
import type { Database } from '../db/orm.js';
import { freshDatabase } from '../test-support.js';
import { testDrivers } from '@escape-room/test-utils/databases';
import { createBookingService, type BookingApi } from './index.js';

// Sessions, room terms and venue policies through the service, on both drivers, with the
// injected clock. Every instant is written out in UTC: what the wire carries.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const HOLD_MS = 5 * MINUTE;
const T0 = Date.UTC(2030, 0, 1, 9, 0);
const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const daily = (rule: unknown) => Object.fromEntries(WEEKDAYS.map((day) => [day, rule]));

describe.each(testDrivers())('sessions on %s', (driver) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let clock: ManualClock;
  let service: BookingApi;

  beforeEach(async () => {
    ({ db, dispose } = await freshDatabase(driver));
    clock = new ManualClock(T0);
    service = createBookingService({ db, clock, policy: { holdMs: HOLD_MS, maxHoldMs: 3 * HOLD_MS, maxLiveHoldsPerGuest: 2 } });
  });
  afterEach(() => dispose());

  async function codeOf(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    if (error instanceof BookingError) return error.code;
    throw new Error(`expected a BookingError, got ${String(error)}`);
  }
  async function errorOf(promise: Promise<unknown>): Promise<BookingError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    if (error instanceof BookingError) return error;
    throw new Error(`expected a BookingError, got ${String(error)}`);
  }

  const setVenue = (settings: UpdateVenueInput) => service.updateVenue(UpdateVenueInput.parse(settings));
  const setSchedule = (roomId: number, schedule: unknown) => service.setSchedule(roomId, ScheduleSchema.parse(schedule));
  const updateRoom = (roomId: number, fields: Omit<UpdateRoomInput, 'room_id'>) => service.updateRoom(UpdateRoomInput.parse({ room_id: roomId, ...fields }));
  /**
   * Every page these tests read is also exactly what the contract's output schema describes: it
   * parses, to itself (nothing to strip, default or coerce). The API sends it without parsing it
   * (the procedure's `trustOutput`), so these cases are part of what proves it may.
   */
  const sessions = async (date: string, query: { days?: number; room_id?: number; players?: number } = {}) => {
    const page = await service.listSessions(SessionsInput.parse({ date, ...query }));
    expect(SessionsOutput.parse(page)).toStrictEqual(page);
    return page.sessions;
  };
  let guests = 0;
  /** A guest of their own, so the hold cap only bites where a test means it to. */
  const someone = () => ({ name: 'Guest', email: `guest${++guests}@example.com` });
  const ada = { name: 'Ada', email: 'ada@example.com' };
  interface HoldExtras {
    guest?: { name: string; email: string };
    players?: number;
    replaces?: string;
  }
  const hold = (roomId: number, start: string | number, end: string | number, extras: HoldExtras = {}) =>
    service.placeHold(
      HoldInput.parse({
        room_id: roomId,
        guest: extras.guest ?? someone(),
        start_date: typeof start === 'number' ? iso(start) : start,
        end_date: typeof end === 'number' ? iso(end) : end,
        ...(extras.players === undefined ? {} : { players: extras.players }),
        ...(extras.replaces === undefined ? {} : { replaces: extras.replaces }),
      }),
    );
  const holdSession = (session: Session, extras: HoldExtras = {}) => hold(session.room_id, session.start_date, session.end_date, extras);
  const statuses = (list: Session[]) => list.map((s) => [s.start_date, s.status]);

  describe('on the DST days', () => {
    interface DstCase {
      zone: string;
      date: string;
      sessionMinutes: number;
      sunday: unknown;
      /** [start_date, local_start, local_end] of every session, in order. */
      expected: [string, string, string][];
      /** Instants a naive offset would give a start: not sessions. */
      notSessions: string[];
    }
    const CASES: DstCase[] = [
      {
        zone: 'Europe/Paris',
        date: '2030-03-31', // 02:00 CET becomes 03:00 CEST
        sessionMinutes: 30,
        sunday: { starts: ['01:00', '02:00', '02:30', '03:00', '04:00'] },
        expected: [
          ['2030-03-31T00:00:00.000Z', '2030-03-31T01:00:00+01:00', '2030-03-31T01:30:00+01:00'],
          ['2030-03-31T01:00:00.000Z', '2030-03-31T03:00:00+02:00', '2030-03-31T03:30:00+02:00'],
          ['2030-03-31T02:00:00.000Z', '2030-03-31T04:00:00+02:00', '2030-03-31T04:30:00+02:00'],
        ],
        notSessions: ['2030-03-31T01:30:00.000Z'],
      },
      {
        zone: 'Europe/Paris',
        date: '2030-10-27', // 03:00 CEST becomes 02:00 CET
        sessionMinutes: 30,
        sunday: { starts: ['01:30', '02:00', '02:30', '03:00'] },
        expected: [
          ['2030-10-26T23:30:00.000Z', '2030-10-27T01:30:00+02:00', '2030-10-27T02:00:00+02:00'],
          ['2030-10-27T00:00:00.000Z', '2030-10-27T02:00:00+02:00', '2030-10-27T02:30:00+02:00'],
          ['2030-10-27T00:30:00.000Z', '2030-10-27T02:30:00+02:00', '2030-10-27T02:00:00+01:00'],
          ['2030-10-27T02:00:00.000Z', '2030-10-27T03:00:00+01:00', '2030-10-27T03:30:00+01:00'],
        ],
        notSessions: ['2030-10-27T01:00:00.000Z', '2030-10-27T01:30:00.000Z'],
      },
      {
        zone: 'America/New_York',
        date: '2030-03-10', // 02:00 EST becomes 03:00 EDT
        sessionMinutes: 60,
        sunday: { open: '00:00', close: '05:00' },
        expected: [
          ['2030-03-10T05:00:00.000Z', '2030-03-10T00:00:00-05:00', '2030-03-10T01:00:00-05:00'],
          ['2030-03-10T06:00:00.000Z', '2030-03-10T01:00:00-05:00', '2030-03-10T03:00:00-04:00'],
          ['2030-03-10T07:00:00.000Z', '2030-03-10T03:00:00-04:00', '2030-03-10T04:00:00-04:00'],
          ['2030-03-10T08:00:00.000Z', '2030-03-10T04:00:00-04:00', '2030-03-10T05:00:00-04:00'],
        ],
        notSessions: ['2030-03-10T06:30:00.000Z'],
      },
      {
        zone: 'America/New_York',
        date: '2030-11-03', // 02:00 EDT becomes 01:00 EST
        sessionMinutes: 30,
        sunday: { starts: ['00:30', '01:00', '01:30', '02:00'] },
        expected: [
          ['2030-11-03T04:30:00.000Z', '2030-11-03T00:30:00-04:00', '2030-11-03T01:00:00-04:00'],
          ['2030-11-03T05:00:00.000Z', '2030-11-03T01:00:00-04:00', '2030-11-03T01:30:00-04:00'],
          ['2030-11-03T05:30:00.000Z', '2030-11-03T01:30:00-04:00', '2030-11-03T01:00:00-05:00'],
          ['2030-11-03T07:00:00.000Z', '2030-11-03T02:00:00-05:00', '2030-11-03T02:30:00-05:00'],
        ],
        notSessions: ['2030-11-03T06:00:00.000Z', '2030-11-03T06:30:00.000Z'],
      },
      {
        zone: 'Australia/Lord_Howe',
        date: '2030-10-06', // 02:00 +10:30 becomes 02:30 +11:00
        sessionMinutes: 30,
        sunday: { open: '01:00', close: '04:00' },
        expected: [
          ['2030-10-05T14:30:00.000Z', '2030-10-06T01:00:00+10:30', '2030-10-06T01:30:00+10:30'],
          ['2030-10-05T15:00:00.000Z', '2030-10-06T01:30:00+10:30', '2030-10-06T02:30:00+11:00'],
          ['2030-10-05T15:30:00.000Z', '2030-10-06T02:30:00+11:00', '2030-10-06T03:00:00+11:00'],
          ['2030-10-05T16:00:00.000Z', '2030-10-06T03:00:00+11:00', '2030-10-06T03:30:00+11:00'],
          ['2030-10-05T16:30:00.000Z', '2030-10-06T03:30:00+11:00', '2030-10-06T04:00:00+11:00'],
        ],
        notSessions: ['2030-10-05T15:15:00.000Z'],
      },
      {
        zone: 'Australia/Lord_Howe',
        date: '2030-04-07', // 02:00 +11:00 becomes 01:30 +10:30
        sessionMinutes: 15,
        sunday: { starts: ['01:00', '01:30', '01:45', '02:00'] },
        expected: [
          ['2030-04-06T14:00:00.000Z', '2030-04-07T01:00:00+11:00', '2030-04-07T01:15:00+11:00'],
          ['2030-04-06T14:30:00.000Z', '2030-04-07T01:30:00+11:00', '2030-04-07T01:45:00+11:00'],
          ['2030-04-06T14:45:00.000Z', '2030-04-07T01:45:00+11:00', '2030-04-07T01:30:00+10:30'],
          ['2030-04-06T15:30:00.000Z', '2030-04-07T02:00:00+10:30', '2030-04-07T02:15:00+10:30'],
        ],
        notSessions: ['2030-04-06T15:00:00.000Z', '2030-04-06T15:15:00.000Z'],
      },
    ];

    it.each(CASES)('$zone on $date', async ({ zone, date, sessionMinutes, sunday, expected, notSessions }) => {
      await setVenue({ timezone: zone });
      await setSchedule(1, { session_minutes: sessionMinutes, weekly: { sun: sunday } });
      const page = await service.listSessions(SessionsInput.parse({ date, room_id: 1 }));
      expect(page.timezone).toBe(zone);
      expect(page.sessions.map((s) => [s.start_date, s.local_start, s.local_end])).toEqual(expected);
      for (const s of page.sessions) {
        expect(Date.parse(s.end_date) - Date.parse(s.start_date)).toBe(sessionMinutes * MINUTE);
        expect(s).toMatchObject({ status: 'available', bookable_until: s.start_date });
      }
      // Every listed session can be held exactly as listed, and nothing else can.
      for (const s of page.sessions) {
        const booking = await holdSession(s);
        expect(booking).toMatchObject({ local_start: s.local_start, local_end: s.local_end });
      }
      for (const start of notSessions) {
        expect(await codeOf(hold(1, start, utc(start) + sessionMinutes * MINUTE))).toBe('NOT_A_SESSION');
      }
      // The neighbouring days (Saturdays and Mondays) have no sessions.
      expect(await sessions(date, { room_id: 1, days: 1 })).toHaveLength(expected.length);
      expect(await sessions(date.replace(/\d\d$/, (d) => String(Number(d) - 1).padStart(2, '0')), { room_id: 1, days: 3 })).toHaveLength(expected.length);
    });
  });

  describe('exceptions', () => {
    beforeEach(async () => {
      await setVenue({ timezone: 'Europe/Paris' });
      await setSchedule(1, {
        session_minutes: 60,
        weekly: daily({ starts: ['10:00', '12:00'] }),
        exceptions: [
          { date: '2030-12-25', closed: true },
          { date: '2030-12-31', starts: ['18:00', '19:15'] },
          { date: '2031-01-01', open: '14:00', close: '16:30' },
        ],
      });
    });

    it('closes a date, replaces its starts, or gives it its own opening hours', async () => {
      const starts = async (date: string) => (await sessions(date, { room_id: 1 })).map((s) => s.local_start);
      expect(await starts('2030-12-24')).toEqual(['2030-12-24T10:00:00+01:00', '2030-12-24T12:00:00+01:00']);
      expect(await starts('2030-12-25')).toEqual([]);
      expect(await starts('2030-12-31')).toEqual(['2030-12-31T18:00:00+01:00', '2030-12-31T19:15:00+01:00']);
      expect(await starts('2031-01-01')).toEqual(['2031-01-01T14:00:00+01:00', '2031-01-01T15:00:00+01:00']);
      expect(await sessions('2030-12-24', { room_id: 1, days: 9 })).toHaveLength(2 + 0 + 5 * 2 + 2 + 2);
    });

    it('refuses a hold of the weekly start on an excepted date as NOT_A_SESSION', async () => {
      // 10:00 in Paris on 2030-12-25 would be a session any other day.
      expect(await codeOf(hold(1, '2030-12-25T09:00:00Z', '2030-12-25T10:00:00Z'))).toBe('NOT_A_SESSION');
      expect(await codeOf(hold(1, '2030-12-31T09:00:00Z', '2030-12-31T10:00:00Z'))).toBe('NOT_A_SESSION');
      await expect(hold(1, '2030-12-31T17:00:00Z', '2030-12-31T18:00:00Z')).resolves.toMatchObject({ status: 'pending', local_start: '2030-12-31T18:00:00+01:00' });
      await expect(hold(1, '2031-01-01T14:00:00Z', '2031-01-01T15:00:00Z')).resolves.toMatchObject({ status: 'pending' });
    });
  });

  describe('setting a schedule', () => {
    it('stores it, reads it back, marks the room scheduled, and clears it', async () => {
      expect(await service.getSchedule(1)).toBeNull();
      const schedule = ScheduleSchema.parse({ session_minutes: 60, weekly: { mon: { starts: ['10:00', '11:15'] } } });
      expect(await service.setSchedule(1, schedule)).toEqual(schedule);
      expect(await service.getSchedule(1)).toEqual({ ...schedule, exceptions: [] });
      expect((await service.getRoom(1)).scheduled).toBe(true);
      expect(await service.setSchedule(1, null)).toBeNull();
      expect(await service.getSchedule(1)).toBeNull();
      expect((await service.getRoom(1)).scheduled).toBe(false);
      expect(await codeOf(service.getSchedule(999))).toBe('ROOM_NOT_FOUND');
      expect(await codeOf(service.setSchedule(999, schedule))).toBe('ROOM_NOT_FOUND');
    });

    it('refuses a schedule whose games and resets overlap, naming the day', async () => {
      await updateRoom(1, { buffer_minutes: 15 });
      const error = await errorOf(setSchedule(1, { session_minutes: 60, weekly: { mon: { starts: ['10:00', '11:10'] }, tue: { starts: ['10:00', '11:15'] } } }));
      expect(error.code).toBe('VALIDATION_ERROR');
      expect(error.issues?.map((i) => i.path)).toEqual(['weekly.mon']);
      expect(await service.getSchedule(1)).toBeNull();

      const overnight = await errorOf(setSchedule(1, { session_minutes: 60, weekly: { sat: { starts: ['23:00'] }, sun: { starts: ['00:10'] } } }));
      expect(overnight.issues?.map((i) => i.path)).toEqual(['weekly.sat']);
      const exception = await errorOf(setSchedule(1, { session_minutes: 60, weekly: {}, exceptions: [{ date: '2030-12-31', starts: ['18:00', '19:00'] }] }));
      expect(exception.issues?.map((i) => i.path)).toEqual(['exceptions.0']);
    });

    it('refuses a buffer change that would make the schedule overlap, and keeps the old buffer', async () => {
      await setSchedule(1, { session_minutes: 60, weekly: { wed: { starts: ['10:00', '11:15'] } } });
      await updateRoom(1, { buffer_minutes: 15 });
      const error = await errorOf(updateRoom(1, { buffer_minutes: 16 }));
      expect(error.code).toBe('VALIDATION_ERROR');
      // The field at fault is the buffer; the message names the day it would overlap on.
      expect(error.issues?.map((i) => i.path)).toEqual(['buffer_minutes']);
      expect(error.message).toMatch(/^On wed, /);
      expect((await service.getRoom(1)).buffer_minutes).toBe(15);
    });
  });

  describe('buffers', () => {
    // 2030-06-03 is a Monday; the venue is on UTC, so local and UTC times read alike.
    const at = (time: string) => `2030-06-03T${time}:00.000Z`;

    it('lets back-to-back sessions follow each other, buffer included, and blocks the session after a hold’s reset', async () => {
      await updateRoom(1, { buffer_minutes: 15 });
      await setSchedule(1, { session_minutes: 60, weekly: daily({ open: '10:00', close: '14:00' }) });
      const [first, second, third] = await sessions('2030-06-03', { room_id: 1 });
      expect([first, second, third].map((s) => s?.start_date)).toEqual([at('10:00'), at('11:15'), at('12:30')]);
      const held = await holdSession(first!);
      expect(held.expires_at).toBe(iso(T0 + HOLD_MS));
      expect(statuses(await sessions('2030-06-03', { room_id: 1 }))).toEqual([
        [at('10:00'), 'held'],
        [at('11:15'), 'available'],
        [at('12:30'), 'available'],
      ]);
      await expect(holdSession(second!)).resolves.toMatchObject({ status: 'pending' });
    });

    it('shows a session inside a booking’s reset as booked or held, and refuses to hold it', async () => {
      // Bookings made while room 2 took free ranges: 09:00–09:45 plus a 30-minute reset.
      await updateRoom(2, { buffer_minutes: 30 });
      const confirmed = await hold(2, '2030-06-03T09:00:00Z', '2030-06-03T09:45:00Z');
      await service.confirmHold(confirmed.id);
      const held = await hold(2, '2030-06-04T09:00:00Z', '2030-06-04T09:45:00Z');
      await setSchedule(2, { session_minutes: 60, weekly: daily({ starts: ['10:00', '11:30'] }) });

      const listed = await sessions('2030-06-03', { room_id: 2, days: 2 });
      expect(listed.map((s) => [s.start_date, s.status, s.held_until])).toEqual([
        [at('10:00'), 'booked', undefined],
        [at('11:30'), 'available', undefined],
        ['2030-06-04T10:00:00.000Z', 'held', held.expires_at],
        ['2030-06-04T11:30:00.000Z', 'available', undefined],
      ]);
      expect(await codeOf(holdSession(listed[0]!))).toBe('SLOT_UNAVAILABLE');
      expect(await codeOf(holdSession(listed[2]!))).toBe('SLOT_UNAVAILABLE');
      await expect(holdSession(listed[1]!)).resolves.toMatchObject({ status: 'pending' });
    });

    it('keeps each booking’s blocked interval as it was held when the room’s buffer changes', async () => {
      await updateRoom(3, { buffer_minutes: 30 });
      await setSchedule(3, { session_minutes: 60, weekly: daily({ starts: ['10:00', '11:30'] }) });
      const [ten] = await sessions('2030-06-03', { room_id: 3 });
      await service.confirmHold((await holdSession(ten!)).id);

      // A shorter reset lets the venue sell an 11:00 game, but this booking keeps its 30 minutes.
      await updateRoom(3, { buffer_minutes: 0 });
      await setSchedule(3, { session_minutes: 60, weekly: daily({ starts: ['10:00', '11:00', '12:00'] }) });
      const listed = await sessions('2030-06-03', { room_id: 3 });
      expect(statuses(listed)).toEqual([
        [at('10:00'), 'booked'],
        [at('11:00'), 'booked'],
        [at('12:00'), 'available'],
      ]);
      expect(await codeOf(holdSession(listed[1]!))).toBe('SLOT_UNAVAILABLE');
      await expect(holdSession(listed[2]!)).resolves.toMatchObject({ status: 'pending' });

      // A longer reset is the new bookings' own: an old booking does not grow one.
      await updateRoom(4, { buffer_minutes: 0 });
      await service.confirmHold((await hold(4, at('10:00'), at('11:00'))).id);
      await updateRoom(4, { buffer_minutes: 30 });
      await expect(hold(4, at('11:00'), at('12:00'))).resolves.toMatchObject({ status: 'pending' });
      // ...but a new booking's reset may not run into an existing booking.
      expect(await codeOf(hold(4, at('08:00'), at('09:31')))).toBe('SLOT_UNAVAILABLE');
      await expect(hold(4, at('08:00'), at('09:30'))).resolves.toMatchObject({ status: 'pending' });
    });

    it('sees a long booking from deep inside it, among short ones before and after', async () => {
      // Made while room 6 took free ranges; then it sells a half-hour game every hour.
      await service.confirmHold((await hold(6, at('07:00'), at('07:10'))).id);
      await service.confirmHold((await hold(6, at('08:00'), at('13:00'))).id);
      const held = await hold(6, at('13:00'), at('14:00'));
      await service.confirmHold((await hold(6, at('15:20'), at('15:40'))).id);
      const hourly = Array.from({ length: 11 }, (_, i) => `${String(7 + i).padStart(2, '0')}:00`);
      await setSchedule(6, { session_minutes: 30, weekly: daily({ starts: hourly }) });
      expect((await sessions('2030-06-03', { room_id: 6 })).map((s) => [s.start_date.slice(11, 16), s.status, s.held_until])).toEqual([
        ['07:00', 'booked', undefined],
        ['08:00', 'booked', undefined],
        ['09:00', 'booked', undefined],
        ['10:00', 'booked', undefined],
        ['11:00', 'booked', undefined],
        ['12:00', 'booked', undefined],
        ['13:00', 'held', held.expires_at],
        ['14:00', 'available', undefined],
        ['15:00', 'booked', undefined],
        ['16:00', 'available', undefined],
        ['17:00', 'available', undefined],
      ]);
    });

    it('hides a free-range room from availability when a booking’s reset covers the range', async () => {
      await updateRoom(5, { buffer_minutes: 30 });
      // Another room's longer reset widens the scan, but each room is held to its own.
      await updateRoom(6, { buffer_minutes: 120 });
      await service.confirmHold((await hold(5, at('10:00'), at('11:00'))).id);
      const free = async (start: string, end: string) =>
        (await service.availableRooms({ start_date: utc(start), end_date: utc(end) })).some((r) => r.id === 5);
      expect(await free(at('11:00'), at('12:00'))).toBe(false);
      expect(await free(at('11:30'), at('12:30'))).toBe(true);
      // The room's own reset after the probed slot counts too.
      expect(await free(at('08:31'), at('09:31'))).toBe(false);
      expect(await free(at('08:30'), at('09:30'))).toBe(true);
    });
  });

  describe('party limits and prices', () => {
    beforeEach(async () => {
      await updateRoom(1, { price: 33.33, price_per: 'player', min_players: 2, max_players: 6, price_tiers: [{ min_players: 5, price: 30 }] });
      await updateRoom(2, { price: 100, price_per: 'booking', min_players: 2, max_players: 8, price_tiers: [{ min_players: 6, price: 120 }] });
      await setSchedule(1, { session_minutes: 60, weekly: daily({ starts: ['10:00'] }) });
      await setSchedule(2, { session_minutes: 60, weekly: daily({ starts: ['10:00'] }) });
    });

    it('quotes the party’s exact total, for min_players by default, and leaves out rooms that cannot take the party', async () => {
      const quote = async (players?: number) =>
        (await sessions('2030-06-03', players === undefined ? {} : { players })).map((s) => [s.room_id, s.price.players, s.price.total]);
      expect(await quote()).toEqual([
        [1, 2, 66.66],
        [2, 2, 100],
      ]);
      expect(await quote(3)).toEqual([
        [1, 3, 99.99],
        [2, 3, 100],
      ]);
      expect(await quote(5)).toEqual([
        [1, 5, 150],
        [2, 5, 100],
      ]);
      expect(await quote(6)).toEqual([
        [1, 6, 180],
        [2, 6, 120],
      ]);
      expect(await quote(7)).toEqual([[2, 7, 120]]);
      expect(await quote(9)).toEqual([]);
      expect(await quote(1)).toEqual([]);
    });

    it('holds for the party, refuses a party outside the limits, and defaults to min_players', async () => {
      const [one, two] = await sessions('2030-06-03');
      expect(await holdSession(one!, { players: 3 })).toMatchObject({ players: 3, price: { total: 99.99, currency: 'EUR' } });
      expect(await codeOf(holdSession(two!, { players: 1 }))).toBe('PARTY_SIZE_NOT_ALLOWED');
      expect(await codeOf(holdSession(two!, { players: 9 }))).toBe('PARTY_SIZE_NOT_ALLOWED');
      expect(await holdSession(two!)).toMatchObject({ players: 2, price: { total: 100, currency: 'EUR' } });
      const [next] = await sessions('2030-06-04', { room_id: 2 });
      expect(await holdSession(next!, { players: 8 })).toMatchObject({ players: 8, price: { total: 120 } });
    });

    it('locks the dearest total the contract allows, exactly, on both drivers', async () => {
      // The highest price times the largest party: past what a 32-bit column could hold.
      await updateRoom(5, { price: 999_999.99, price_per: 'player' });
      const start = Date.UTC(2030, 5, 3, 10);
      const held = await hold(5, start, start + HOUR, { players: 1000 });
      expect(held.price).toEqual({ total: 999_999_990, currency: 'EUR' });
      expect((await service.getBooking(held.id)).price).toEqual({ total: 999_999_990, currency: 'EUR' });
    });

    it('sells in whole yen in a JPY venue', async () => {
      // The seeded rooms have half-euro prices, which yen cannot express.
      const refused = await errorOf(setVenue({ currency: 'JPY' }));
      expect(refused).toMatchObject({ code: 'VALIDATION_ERROR', issues: [{ path: 'currency' }] });
      for (const room of await service.listAllRooms()) await updateRoom(room.id, { price: Math.round(room.price), price_tiers: [] });
      await setVenue({ currency: 'JPY' });
      expect((await service.getVenue()).currency).toBe('JPY');

      expect(await codeOf(updateRoom(1, { price: 1500.5 }))).toBe('VALIDATION_ERROR');
      expect(await codeOf(updateRoom(1, { price: 1500, price_tiers: [{ min_players: 4, price: 1300.5 }] }))).toBe('VALIDATION_ERROR');
      expect(await codeOf(service.createRoom(CreateRoomInput.parse({ name: 'Yen', price: 1500.5 })))).toBe('VALIDATION_ERROR');
      await updateRoom(1, { price: 1500, price_tiers: [{ min_players: 4, price: 1300 }] });
      expect((await service.getRoom(1)).price).toBe(1500);

      const page = await service.listSessions(SessionsInput.parse({ date: '2030-06-03', room_id: 1, players: 3 }));
      expect(page.currency).toBe('JPY');
      expect(page.sessions[0]!.price).toEqual({ players: 3, total: 4500 });
      expect(await holdSession(page.sessions[0]!, { players: 4 })).toMatchObject({ price: { total: 5200, currency: 'JPY' } });
      // A currency with three decimals is refused at the door.
      expect(UpdateVenueInput.safeParse({ currency: 'KWD' }).success).toBe(false);
    });

    it('locks the price at hold time: later room and venue changes leave held and confirmed bookings as they were', async () => {
      const [session] = await sessions('2030-06-03', { room_id: 1, players: 3 });
      const held = await holdSession(session!, { players: 3 });
      await updateRoom(1, { price: 50, price_tiers: [] });
      expect((await service.getBooking(held.id)).price).toEqual({ total: 99.99, currency: 'EUR' });
      expect((await service.confirmHold(held.id)).price).toEqual({ total: 99.99, currency: 'EUR' });
      await updateRoom(1, { price: 10, price_per: 'booking' });
      await setVenue({ currency: 'USD' });
      expect((await service.getBooking(held.id)).price).toEqual({ total: 99.99, currency: 'EUR' });
      const listed = await service.listBookings(ListBookingsInput.parse({ room_id: 1 }));
      expect(listed.bookings.map((b) => b.price)).toEqual([{ total: 99.99, currency: 'EUR' }]);
      // A new hold pays today's price.
      const [tomorrow] = await sessions('2030-06-04', { room_id: 1 });
      expect((await holdSession(tomorrow!, { players: 3 })).price).toEqual({ total: 10, currency: 'USD' });
    });
  });

  describe('policies at their boundary instants', () => {
    const START = utc('2030-06-03T10:00:00Z');

    beforeEach(async () => {
      await setSchedule(1, { session_minutes: 60, weekly: daily({ starts: ['10:00'] }) });
    });

    it('closes a session to holds at bookable_until, start minus the minimum notice, that instant included', async () => {
      await setVenue({ min_notice_minutes: 120 });
      const until = START - 2 * HOUR;
      clock.set(until);
      const [closed] = await sessions('2030-06-03', { room_id: 1 });
      expect(closed).toMatchObject({ status: 'closed', bookable_until: iso(until) });
      expect(await codeOf(holdSession(closed!))).toBe('TOO_SOON');
      clock.set(until - 1);
      const [open] = await sessions('2030-06-03', { room_id: 1 });
      expect(open).toMatchObject({ status: 'available', bookable_until: iso(until) });
      const booking = await holdSession(open!);
      // A booked session stays booked, not closed, past bookable_until.
      await service.confirmHold(booking.id);
      clock.set(until);
      expect((await sessions('2030-06-03', { room_id: 1 }))[0]!.status).toBe('booked');
    });

    it('shows a live hold past bookable_until as closed', async () => {
      await setVenue({ min_notice_minutes: 2 });
      clock.set(START - 3 * MINUTE);
      const [session] = await sessions('2030-06-03', { room_id: 1 });
      await holdSession(session!);
      expect((await sessions('2030-06-03', { room_id: 1 }))[0]!.status).toBe('held');
      clock.set(START - 2 * MINUTE);
      expect((await sessions('2030-06-03', { room_id: 1 }))[0]!.status).toBe('closed');
    });

    it('with no notice, refuses a start that is now or past as VALIDATION_ERROR', async () => {
      clock.set(START);
      expect(await codeOf(hold(1, START, START + HOUR))).toBe('VALIDATION_ERROR');
      expect(await codeOf(hold(5, START - 1, START + HOUR))).toBe('VALIDATION_ERROR');
      expect((await sessions('2030-06-03', { room_id: 1 }))[0]!.status).toBe('closed');
      clock.set(START - 1);
      await expect(hold(1, START, START + HOUR)).resolves.toMatchObject({ status: 'pending' });
    });

    it('refuses a start beyond the horizon, counted in venue-local days across spring forward', async () => {
      await setVenue({ timezone: 'Europe/Paris', horizon_days: 1 });
      await setSchedule(1, { session_minutes: 60, weekly: daily({ starts: ['10:00', '11:00'] }) });
      // 10:00 CET on the 30th plus one local day is 10:00 CEST on the 31st: 23 hours.
      clock.set(utc('2030-03-30T09:00:00Z'));
      const [ten, eleven] = await sessions('2030-03-31', { room_id: 1 });
      expect(ten).toMatchObject({ start_date: '2030-03-31T08:00:00.000Z', status: 'available' });
      expect(eleven).toMatchObject({ start_date: '2030-03-31T09:00:00.000Z', status: 'closed' });
      expect(await codeOf(holdSession(eleven!))).toBe('TOO_FAR_AHEAD');
      clock.set(utc('2030-03-30T09:00:00Z') - 1);
      expect((await sessions('2030-03-31', { room_id: 1 }))[0]!.status).toBe('closed');
      expect(await codeOf(holdSession(ten!))).toBe('TOO_FAR_AHEAD');
      clock.set(utc('2030-03-30T09:00:00Z'));
      await expect(holdSession(ten!)).resolves.toMatchObject({ status: 'pending' });
      // A free-range room follows the same horizon.
      expect(await codeOf(hold(5, utc('2030-03-31T08:00:00Z') + 1, utc('2030-03-31T09:00:00Z')))).toBe('TOO_FAR_AHEAD');
      await expect(hold(5, '2030-03-31T08:00:00Z', '2030-03-31T09:00:00Z')).resolves.toMatchObject({ status: 'pending' });
    });

    it('refuses a guest’s cancel from start minus the cutoff, and lets the venue cancel', async () => {
      await setVenue({ cancellation_cutoff_hours: 24 });
      const early = await service.confirmHold((await hold(5, START, START + HOUR)).id);
      const late = await service.confirmHold((await hold(6, START, START + HOUR)).id);
      expect(late.cancellable_until).toBe(iso(START - 24 * HOUR));
      clock.set(START - 24 * HOUR - 1);
      expect(await service.cancelBooking(early.id)).toMatchObject({ status: 'cancelled' });
      clock.set(START - 24 * HOUR);
      expect(await codeOf(service.cancelBooking(late.id))).toBe('CANCELLATION_WINDOW_CLOSED');
      expect((await service.getBooking(late.id)).status).toBe('confirmed');
      expect(await service.cancelByVenue(late.id, { type: 'admin_key', id: 'ak_test0001' })).toMatchObject({ status: 'cancelled' });
    });

    it('turns a held session available the instant its hold lapses', async () => {
      const [session] = await sessions('2030-06-03', { room_id: 1 });
      const held = await holdSession(session!);
      const expiresAt = T0 + HOLD_MS;
      clock.set(expiresAt - 1);
      expect((await sessions('2030-06-03', { room_id: 1 }))[0]).toMatchObject({ status: 'held', held_until: iso(expiresAt) });
      expect(await codeOf(holdSession(session!))).toBe('SLOT_UNAVAILABLE');
      clock.set(expiresAt);
      const [lapsed] = await sessions('2030-06-03', { room_id: 1 });
      expect(lapsed!.status).toBe('available');
      expect(lapsed).not.toHaveProperty('held_until');
      expect((await service.getBooking(held.id)).status).toBe('expired');
      await expect(holdSession(session!)).resolves.toMatchObject({ status: 'pending' });
    });

    it('shows held_until as the latest of the live holds blocking a session', async () => {
      await updateRoom(2, { buffer_minutes: 30 });
      const first = await hold(2, '2030-06-03T08:00:00Z', '2030-06-03T09:00:00Z');
      clock.advance(MINUTE);
      const second = await hold(2, '2030-06-03T11:00:00Z', '2030-06-03T12:00:00Z');
      await setSchedule(2, { session_minutes: 120, weekly: daily({ starts: ['09:30'] }) });
      expect(first.expires_at! < second.expires_at!).toBe(true);
      expect((await sessions('2030-06-03', { room_id: 2 }))[0]).toMatchObject({ status: 'held', held_until: second.expires_at });
    });
  });

  describe('free-range rooms', () => {
    it('still hold any range and have no sessions', async () => {
      await setSchedule(1, { session_minutes: 60, weekly: daily({ starts: ['10:00'] }) });
      await expect(hold(5, '2030-06-03T10:07:00Z', '2030-06-03T10:52:00Z')).resolves.toMatchObject({ status: 'pending', players: 1, price: { total: 20 } });
      expect((await sessions('2030-06-03')).map((s) => s.room_id)).toEqual([1]);
      expect(await sessions('2030-06-03', { room_id: 5 })).toEqual([]);
      expect(await codeOf(service.listSessions(SessionsInput.parse({ date: '2030-06-03', room_id: 999 })))).toBe('ROOM_NOT_FOUND');
      expect((await service.getRoom(5)).scheduled).toBe(false);
      // A scheduled room takes its sessions only.
      expect(await codeOf(hold(1, '2030-06-03T10:07:00Z', '2030-06-03T10:52:00Z'))).toBe('NOT_A_SESSION');
      // An archived room sells no sessions.
      await service.archiveRoom(1);
      expect(await sessions('2030-06-03')).toEqual([]);
    });

    it('lists sessions sorted by start, then room, over several days', async () => {
      await setSchedule(3, { session_minutes: 60, weekly: daily({ starts: ['09:00', '11:00'] }) });
      await setSchedule(2, { session_minutes: 60, weekly: daily({ starts: ['10:00', '11:00'] }) });
      const listed = await sessions('2030-06-03', { days: 2 });
      expect(listed.map((s) => [s.start_date.slice(8, 16), s.room_id])).toEqual([
        ['03T09:00', 3],
        ['03T10:00', 2],
        ['03T11:00', 2],
        ['03T11:00', 3],
        ['04T09:00', 3],
        ['04T10:00', 2],
        ['04T11:00', 2],
        ['04T11:00', 3],
      ]);
    });
  });

  describe('a long window', () => {
    it('lists a month of five-minute games in sixteen rooms (over 140,000 sessions)', async () => {
      for (let i = 0; i < 6; i++) await service.createRoom(CreateRoomInput.parse({ name: `Extra ${i}`, price: 10 }));
      const rooms = await service.listAllRooms();
      for (const room of rooms) await setSchedule(room.id, { session_minutes: 5, weekly: daily({ open: '00:00', close: '23:59' }) });
      await hold(1, '2030-06-10T12:00:00Z', '2030-06-10T12:05:00Z');
      const listed = await sessions('2030-06-01', { days: 31 });
      expect(listed).toHaveLength(rooms.length * 31 * 287);
      expect(listed.filter((s) => s.status === 'held').map((s) => [s.room_id, s.start_date])).toEqual([[1, '2030-06-10T12:00:00.000Z']]);
    });
  });

  describe('the hold cap and replaces', () => {
    const at = (hour: number) => Date.UTC(2030, 5, 3, hour);

    it('caps live holds per guest, whatever the case of the email; confirmed and lapsed holds do not count', async () => {
      const first = await hold(1, at(10), at(11), { guest: { name: 'Ada', email: 'Ada@Example.com' } });
      await hold(2, at(10), at(11), { guest: { name: 'Ada', email: 'ada@example.com' } });
      expect(await codeOf(hold(3, at(10), at(11), { guest: { name: 'Ada', email: 'ADA@EXAMPLE.COM' } }))).toBe('TOO_MANY_HOLDS');
      await expect(hold(3, at(10), at(11), { guest: { name: 'Bob', email: 'bob@example.com' } })).resolves.toMatchObject({ status: 'pending' });
      await service.confirmHold(first.id);
      const third = await hold(4, at(10), at(11), { guest: ada });
      expect(await codeOf(hold(5, at(10), at(11), { guest: ada }))).toBe('TOO_MANY_HOLDS');
      clock.set(T0 + HOLD_MS); // the second hold lapses; the third was placed at T0 too
      await expect(hold(5, at(10), at(11), { guest: ada })).resolves.toMatchObject({ status: 'pending' });
      expect((await service.getBooking(third.id)).status).toBe('expired');
    });

    it('keeps to the cap when one guest’s holds race each other', async () => {
      const results = await Promise.allSettled([1, 2, 3, 4, 5].map((room) => hold(room, at(10), at(11), { guest: ada })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as BookingError).code).toBe('TOO_MANY_HOLDS');
      expect((await service.listBookings(ListBookingsInput.parse({ status: 'pending' }))).bookings).toHaveLength(2);
    });

    it('swaps a hold for another atomically, at the cap, in the same room’s overlapping slot too', async () => {
      await setSchedule(1, { session_minutes: 60, weekly: daily({ starts: ['10:00', '11:00'] }) });
      const [ten, eleven] = await sessions('2030-06-03', { room_id: 1 });
      const a = await holdSession(ten!, { guest: ada, players: 2 });
      const b = await hold(5, at(10), at(11), { guest: ada });
      // Changing the party size: the same session, replacing itself.
      const bigger = await holdSession(ten!, { guest: ada, players: 4, replaces: a.id });
      expect(bigger).toMatchObject({ status: 'pending', players: 4 });
      expect((await service.getBooking(a.id)).status).toBe('released');
      // Moving to another session, still at the cap.
      const moved = await holdSession(eleven!, { guest: { name: 'Ada L.', email: 'ADA@example.com' }, replaces: bigger.id });
      expect((await service.getBooking(bigger.id)).status).toBe('released');
      expect(statuses(await sessions('2030-06-03', { room_id: 1 }))).toEqual([
        [ten!.start_date, 'available'],
        [eleven!.start_date, 'held'],
      ]);
      const live = await service.listBookings(ListBookingsInput.parse({ status: 'pending' }));
      expect(live.bookings.map((x) => x.id).sort()).toEqual([b.id, moved.id].sort());
    });

    it('keeps the replaced hold when the new one is refused', async () => {
      await setSchedule(1, { session_minutes: 60, weekly: daily({ starts: ['10:00', '11:00'] }) });
      const [ten, eleven] = await sessions('2030-06-03', { room_id: 1 });
      const mine = await holdSession(ten!, { guest: ada });
      await holdSession(eleven!, { guest: { name: 'Bob', email: 'bob@example.com' } });
      expect(await codeOf(holdSession(eleven!, { guest: ada, replaces: mine.id }))).toBe('SLOT_UNAVAILABLE');
      expect(await codeOf(hold(1, at(10) + 1, at(11), { guest: ada, replaces: mine.id }))).toBe('NOT_A_SESSION');
      await updateRoom(1, { max_players: 6 });
      expect(await codeOf(holdSession(ten!, { guest: ada, players: 7, replaces: mine.id }))).toBe('PARTY_SIZE_NOT_ALLOWED');
      expect((await service.getBooking(mine.id)).status).toBe('pending');
    });

    it('replaces only a live or lapsed hold of the same guest: released, confirmed or someone else’s is not', async () => {
      const mine = await hold(1, at(10), at(11), { guest: ada });
      const theirs = await hold(2, at(10), at(11), { guest: { name: 'Bob', email: 'bob@example.com' } });
      expect(await codeOf(hold(3, at(10), at(11), { guest: ada, replaces: theirs.id }))).toBe('INVALID_STATE');
      expect(await codeOf(hold(3, at(10), at(11), { guest: ada, replaces: 'bk_AAAAAAAAAAAAAAAAAAAAAA' }))).toBe('BOOKING_NOT_FOUND');
      await service.confirmHold(mine.id);
      expect(await codeOf(hold(3, at(10), at(11), { guest: ada, replaces: mine.id }))).toBe('INVALID_STATE');
      expect((await service.getBooking(mine.id)).status).toBe('confirmed');

      const released = await hold(3, at(12), at(13), { guest: ada });
      await service.releaseHold(released.id);
      const lapsing = await hold(4, at(12), at(13), { guest: ada });
      // Given back already: a second swap of it is a race or a mistake, and would leave two holds.
      expect(await codeOf(hold(3, at(14), at(15), { guest: ada, replaces: released.id }))).toBe('INVALID_STATE');
      clock.set(T0 + HOLD_MS);
      await expect(hold(4, at(14), at(15), { guest: ada, replaces: lapsing.id })).resolves.toMatchObject({ status: 'pending' });
      expect((await service.getBooking(lapsing.id)).status).toBe('expired');
    });
  });

  describe('two swaps of one hold at once', () => {
    const at = (hour: number) => Date.UTC(2030, 5, 3, hour);

    it('let exactly one through, so the guest never ends up with two holds', async () => {
      const first = await hold(1, at(10), at(11), { guest: ada });
      const outcomes = await Promise.allSettled([
        hold(2, at(10), at(11), { guest: ada, replaces: first.id }),
        hold(3, at(10), at(11), { guest: ada, replaces: first.id }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const [refused] = outcomes.filter((o) => o.status === 'rejected');
      expect((refused?.reason as { code?: string } | undefined)?.code).toBe('INVALID_STATE');
      expect((await service.getBooking(first.id)).status).toBe('released');
      const live = await service.listBookings(ListBookingsInput.parse({ status: 'pending' }));
      expect(live.bookings.filter((b) => b.guest.email === ada.email)).toHaveLength(1);
    });
  });

  describe('references', () => {
    it('are unique, from the alphabet without look-alikes, and filter the admin listing', async () => {
      const bookings = [];
      for (let i = 0; i < 24; i++) bookings.push(await hold(1 + (i % 10), Date.UTC(2030, 5, 3, i), Date.UTC(2030, 5, 3, i) + 30 * MINUTE));
      const references = bookings.map((b) => b.reference);
      expect(new Set(references).size).toBe(references.length);
      for (const reference of references) expect(reference).toMatch(new RegExp(`^[${REFERENCE_ALPHABET}]{8}$`));
      expect(REFERENCE_ALPHABET).not.toMatch(/[01OIL]/);

      const wanted = bookings[7]!;
      const found = await service.listBookings(ListBookingsInput.parse({ reference: wanted.reference.toLowerCase() }));
      expect(found.bookings.map((b) => b.id)).toEqual([wanted.id]);
      expect((await service.getBooking(wanted.id)).reference).toBe(wanted.reference);
      const other = references.includes('ZZZZZZZZ') ? '22222222' : 'ZZZZZZZZ';
      expect((await service.listBookings(ListBookingsInput.parse({ reference: other }))).bookings).toEqual([]);
      expect(ListBookingsInput.safeParse({ reference: 'ABCDEF01' }).success).toBe(false);
    });
  });
});
