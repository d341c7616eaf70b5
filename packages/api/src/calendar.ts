import { z } from 'zod';
import { BookingId, CALENDAR_PATH, REST_PREFIX } from '@escape-room/booking-core/contract';
import { rest } from './rest-meta.js';

// A booking's calendar file is text/calendar, not JSON, so no procedure can serve it: the server
// routes it itself. This is its one description, for the route (path, budget) and the document.

/** An OpenAPI path (`/bookings/{booking_id}`) in Fastify's route syntax (`/bookings/:booking_id`). */
export const routePattern = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

export const calendarFile = {
  /** Where the server routes it, in Fastify's syntax. */
  route: `${REST_PREFIX}${routePattern(CALENDAR_PATH)}`,
  meta: rest('GET', CALENDAR_PATH, {
    tag: 'Bookings',
    summary: 'A booking as a calendar file',
    description:
      'An iCalendar (RFC 5545) event in the venue time zone: the room, the reference, the party size and the link to manage the booking. ' +
      'Its UID is the same on every fetch; `STATUS` is `CONFIRMED` for a confirmed booking, `TENTATIVE` for a live hold and ' +
      '`CANCELLED` once the booking is cancelled, released or expired, so a calendar that fetches it again drops the event.',
    errors: ['BOOKING_NOT_FOUND'],
  }),
};

/** Its OpenAPI operation, before openapi.ts adds the error responses every operation gets from its meta. */
export const calendarOperation = () => ({
  operationId: 'bookings-calendar',
  summary: calendarFile.meta.openapi?.summary,
  description: calendarFile.meta.openapi?.description,
  tags: calendarFile.meta.openapi?.tags,
  parameters: [
    {
      in: 'path' as const,
      name: 'booking_id',
      required: true,
      // The contract's own BookingId, as the procedures' path parameters are documented.
      description: BookingId.description,
      schema: z.toJSONSchema(BookingId, { target: 'openapi-3.0' }) as { type: 'string' },
    },
  ],
  responses: {
    '200': {
      description: 'The calendar file',
      headers: {
        'Content-Disposition': {
          description: 'attachment; filename="booking-<reference>.ics"',
          required: true,
          schema: { type: 'string' as const },
        },
      },
      content: { 'text/calendar': { schema: { type: 'string' as const } } },
    },
  },
});
