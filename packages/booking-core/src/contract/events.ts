import { z } from 'zod';
import { InstantInput, InstantOutput } from './time.js';
import { BookingId, BookingSchema, BookingStatusSchema, EXAMPLE_SLOT, checkWindow, pageFields } from './bookings.js';

/** Every change of a booking, named for what happened to it. */
export const EVENT_TYPES = [
  'booking.held',
  'booking.extended',
  'booking.confirmed',
  'booking.released',
  'booking.expired',
  'booking.cancelled',
] as const;
export const EventTypeSchema = z.enum(EVENT_TYPES).meta({ id: 'EventType' });
export type EventType = z.infer<typeof EventTypeSchema>;

export const ACTOR_TYPES = ['guest', 'admin_key', 'system'] as const;
export const ActorSchema = z
  .object({
    type: z.enum(ACTOR_TYPES).meta({
      description: '`guest`: whoever holds the booking id; `admin_key`: the venue staff; `system`: the platform itself (a lapsed hold)',
    }),
    id: z.string().optional().meta({ description: 'The admin key’s id for `admin_key`', example: 'ak_3f9c2d1e' }),
  })
  .meta({ id: 'Actor' });
export type Actor = z.infer<typeof ActorSchema>;

const eventOf = <T extends (typeof EVENT_TYPES)[number]>(type: T) =>
  z.object({
    id: z.string().meta({ description: 'Also the `webhook-id` of every delivery of it: receivers deduplicate on it', example: 'evt_2mF9xQ0aLk7Vt3Rb8sNw1c' }),
    type: z.literal(type),
    created_at: InstantOutput,
    actor: ActorSchema,
    data: z.object({
      booking: BookingSchema.meta({ description: 'The booking as the API shows it right after the change' }),
      previous_status: BookingStatusSchema.nullable().meta({ description: 'null for booking.held' }),
    }),
  });

/**
 * One change of a booking, as the event log keeps it and as webhooks deliver it (the body of a
 * delivery is exactly this object). A union on `type`, so a typed receiver narrows on it.
 */
export const BookingEventSchema = z
  .discriminatedUnion('type', [
    eventOf('booking.held'),
    eventOf('booking.extended'),
    eventOf('booking.confirmed'),
    eventOf('booking.released'),
    eventOf('booking.expired'),
    eventOf('booking.cancelled'),
  ])
  .meta({ id: 'BookingEvent' });
export type BookingEvent = z.infer<typeof BookingEventSchema>;

export const ListEventsInput = z
  .object({
    type: EventTypeSchema.optional(),
    booking_id: BookingId.optional(),
    from: InstantInput.meta({ description: 'Events created at or after this instant', example: '2030-01-01T00:00:00Z' }).optional(),
    to: InstantInput.meta({ description: 'Events created before this instant', example: EXAMPLE_SLOT.end_date }).optional(),
    ...pageFields,
  })
  .superRefine(checkWindow);
export type ListEventsInput = z.input<typeof ListEventsInput>;
export type ListEventsQuery = z.output<typeof ListEventsInput>;
export const EventPageSchema = z.object({
  events: z.array(BookingEventSchema),
  next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last one' }),
});
export type EventPage = z.infer<typeof EventPageSchema>;

export const BookingEventsOutput = z.object({ events: z.array(BookingEventSchema).meta({ description: 'Oldest first' }) });
