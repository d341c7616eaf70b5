import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { Temporal } from 'temporal-polyfill';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { Booking } from '../contract/bookings.js';
import { calendarFileName, guestLinks } from '../contract/links.js';
import { calendarStatus } from '../domain/mail-policy.js';
import { sqlRunner } from '../db/sql.js';
import type { CalendarFile } from './api.js';
import { getBooking } from './bookings.js';
import { DEFAULT_PUBLIC_URL, type ServiceDeps } from './deps.js';
import { readVenue } from './venue.js';

// A booking as an iCalendar (RFC 5545) event: the one builder behind the calendar file route and
// the attachment of the confirmation email.

/** What a calendar file says of the venue. */
export interface CalendarVenue {
  name: string;
  timezone: string;
}

/**
 * The zone's VTIMEZONE, which calendars need to place a TZID-qualified time (most do not know
 * IANA names by themselves); null for a zone the library lacks, whose times are then written in UTC.
 */
function vtimezone(zone: string): string | null {
  const block = tzlib_get_ical_block(zone);
  return Array.isArray(block) && block[0] ? block[0] : null;
}

/** Calendars apply an update over what they hold only when its SEQUENCE is higher: each step of a booking is one higher. */
const SEQUENCE = { TENTATIVE: 0, CONFIRMED: 1, CANCELLED: 2 } as const;

/**
 * The calendar file of `booking` as it reads now. `stamp` is when this version was made (the
 * event's time for an email, so every attempt attaches the same file).
 */
export function bookingCalendar(booking: Booking, venue: CalendarVenue, publicUrl: string, stamp: Date): string {
  const zone = vtimezone(venue.timezone) ? venue.timezone : 'UTC';
  const links = guestLinks(publicUrl, booking.id);
  const status = calendarStatus(booking.status);
  // Temporal values are written as wall time in the event's zone; a Date would be read in the process's own zone.
  const at = (instant: string) => Temporal.Instant.from(instant).toZonedDateTimeISO(zone);
  const calendar = ical({
    prodId: { company: 'escape-room', product: 'bookings', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    // No calendar-wide zone: DTSTAMP must stay in UTC. The generator adds the event's VTIMEZONE.
    timezone: { name: null, generator: vtimezone },
  });
  calendar.createEvent({
    id: `${booking.id}@${new URL(publicUrl).hostname}`,
    sequence: SEQUENCE[status],
    stamp,
    start: at(booking.start_date),
    end: at(booking.end_date),
    timezone: zone,
    summary: `${booking.room.name} (${venue.name})`,
    location: `${booking.room.name}, ${venue.name}`,
    description: [
      `${booking.room.name} at ${venue.name}`,
      `Reference: ${booking.reference}`,
      `Players: ${booking.players}`,
      `Manage your booking: ${links.manage}`,
    ].join('\n'),
    url: links.manage,
    status: ICalEventStatus[status],
  });
  return calendar.toString();
}

/** A booking's calendar file as the route serves it: the booking and the venue as they are now. */
export async function calendarFile(deps: ServiceDeps, bookingId: string): Promise<CalendarFile> {
  const booking = await getBooking(deps, bookingId);
  const venue = await readVenue(sqlRunner(deps.db));
  return {
    fileName: calendarFileName(booking.reference),
    content: bookingCalendar(booking, venue, deps.publicUrl ?? DEFAULT_PUBLIC_URL, new Date(deps.clock.now())),
  };
}
