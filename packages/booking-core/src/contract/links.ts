// Where guests reach things, under the server's public base URL (PUBLIC_URL): the links in
// emails and calendar files, and the paths the server serves them at.

/** Where the REST API is mounted. */
export const REST_PREFIX = '/api/v1';

/** A booking's calendar file, under REST_PREFIX, in OpenAPI's path syntax. */
export const CALENDAR_PATH = '/bookings/{booking_id}/calendar.ics';

/** The file name a booking's calendar file is offered under. */
export const calendarFileName = (reference: string): string => `booking-${reference}.ics`;

/** The links a guest gets for a booking: the page to manage it, and its calendar file. */
export function guestLinks(publicUrl: string, bookingId: string): { manage: string; calendar: string } {
  const id = encodeURIComponent(bookingId);
  return {
    manage: `${publicUrl}/bookings/${id}`,
    calendar: `${publicUrl}${REST_PREFIX}${CALENDAR_PATH.replace('{booking_id}', id)}`,
  };
}
