// Where guests reach things, under the server's public base URL (PUBLIC_URL): the links in
// emails and calendar files, and the paths the server serves them at.

/** Where the REST API is mounted. */
export const REST_PREFIX = '/api/v1';

/** A booking's calendar file, under REST_PREFIX, in OpenAPI's path syntax. */
export const CALENDAR_PATH = '/bookings/{booking_id}/calendar.ics';

/** The guest page that manages a booking, at the server's root, in the same syntax. */
export const MANAGE_PATH = '/bookings/{booking_id}';

/** A path of this module with the booking's id in it. */
const withBooking = (path: string, bookingId: string): string => path.replace('{booking_id}', encodeURIComponent(bookingId));

/** The file name a booking's calendar file is offered under. */
export const calendarFileName = (reference: string): string => `booking-${reference}.ics`;

/** The links a guest gets for a booking: the page to manage it, and its calendar file. */
export function guestLinks(publicUrl: string, bookingId: string): { manage: string; calendar: string } {
  return {
    manage: `${publicUrl}${withBooking(MANAGE_PATH, bookingId)}`,
    calendar: `${publicUrl}${REST_PREFIX}${withBooking(CALENDAR_PATH, bookingId)}`,
  };
}
