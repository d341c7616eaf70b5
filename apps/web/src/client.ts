import { createBookingClient, guestLinks } from '@escape-room/sdk';

/** The published SDK, against the origin that served the page: no request leaves it. */
export const client = createBookingClient({ baseUrl: window.location.origin });

/** The booking's manage page and calendar file, as the emails link to them, but relative to this origin. */
export const linksOf = (bookingId: string) => guestLinks('', bookingId);
