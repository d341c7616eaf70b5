import { createBookingClient } from '@escape-room/sdk';

/** The published SDK, against the origin that served the page: no request leaves it. */
export const client = createBookingClient({ baseUrl: window.location.origin });

export const CALENDAR_URL = (bookingId: string) => `/api/v1/bookings/${encodeURIComponent(bookingId)}/calendar.ics`;
export const MANAGE_PATH = (bookingId: string) => `/bookings/${encodeURIComponent(bookingId)}`;
