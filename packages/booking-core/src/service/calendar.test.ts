import { describe, expect, it } from 'vitest';
import { readCalendar } from '@escape-room/test-utils/calendar';
import type { Booking } from '../contract/index.js';
import { bookingCalendar } from './calendar.js';

// The calendar file as a calendar application reads it back (ical.js).

const booking: Booking = {
  id: 'bk_3q2Zr9sX1vYkP0aLm4Tn8w',
  room_id: 3,
  status: 'pending',
  start_date: '2030-12-31T22:30:00.000Z',
  end_date: '2031-01-01T00:00:00.000Z',
  created_at: '2030-12-01T10:00:00.000Z',
  expires_at: '2030-12-01T10:05:00.000Z',
  guest: { name: 'Ada', email: 'ada@example.com' },
  room: {
    id: 3,
    name: 'Vault; 13, "the big one"',
    description: '',
    price: 30,
    price_per: 'booking',
    price_tiers: [],
    min_players: 2,
    max_players: 6,
    buffer_minutes: 0,
    scheduled: false,
  },
  reference: 'K7M2QX9P',
  players: 4,
  price: { total: 30, currency: 'EUR' },
  local_start: '2030-12-31T23:30:00+01:00',
  local_end: '2031-01-01T01:00:00+01:00',
  cancellable_until: '2030-12-31T22:30:00.000Z',
};
const stamp = new Date('2030-12-01T10:00:00Z');

describe('the calendar file', () => {
  it('places a New Year’s Eve game across midnight in the venue’s zone, through its own VTIMEZONE', () => {
    const event = readCalendar(bookingCalendar(booking, { name: 'Locked In Paris', timezone: 'Europe/Paris' }, 'http://localhost:3000', stamp));
    expect(event).toMatchObject({ tzid: 'Europe/Paris', timezones: ['Europe/Paris'], localStart: '2030-12-31T23:30:00', localEnd: '2031-01-01T01:00:00' });
    expect([event.start.toISOString(), event.end.toISOString()]).toEqual([booking.start_date, booking.end_date]);
  });

  it('shows a live hold as tentative, and keeps names with separators intact', () => {
    const event = readCalendar(bookingCalendar(booking, { name: 'Locked In, Paris', timezone: 'Europe/Paris' }, 'https://book.example.com', stamp));
    expect(event).toMatchObject({ status: 'TENTATIVE', summary: 'Vault; 13, "the big one" (Locked In, Paris)', location: 'Vault; 13, "the big one", Locked In, Paris' });
    expect(event.uid).toBe('bk_3q2Zr9sX1vYkP0aLm4Tn8w@book.example.com');
    expect(event.method).toBe('PUBLISH');
  });

  it('writes a UTC venue’s times in UTC, and says CANCELLED for a booking the guest no longer has', () => {
    for (const status of ['cancelled', 'released', 'expired'] as const) {
      const event = readCalendar(bookingCalendar({ ...booking, status }, { name: 'Escape rooms', timezone: 'UTC' }, 'http://localhost:3000', stamp));
      expect(event).toMatchObject({ status: 'CANCELLED', tzid: null, timezones: [] });
      expect(event.start.toISOString()).toBe(booking.start_date);
    }
  });
});
