import { z } from 'zod';
import { singleLineText } from './text.js';
import { InstantInput, InstantOutput } from './time.js';
import { PlayerCount, RoomId, RoomIdParam, RoomSchema } from './rooms.js';
import { LocalDateTime } from './schedule.js';

/** The longest slot a guest may hold; also bounds every overlap query (see the availability index). */
export const MAX_BOOKING_MS = 24 * 60 * 60 * 1000;

export const BOOKING_STATUSES = ['pending', 'confirmed', 'released', 'expired', 'cancelled'] as const;
export const BookingStatusSchema = z.enum(BOOKING_STATUSES).meta({
  id: 'BookingStatus',
  description:
    '`pending`: held until `expires_at`; `confirmed`; `released` by the guest; `expired`: the hold lapsed; `cancelled` after confirmation',
});
export type BookingStatus = z.infer<typeof BookingStatusSchema>;

/**
 * The characters an id or a header token may have. Issued ids are URL-safe; path parameters are
 * percent-decoded, so this is also what keeps a NUL or a newline from reaching a statement.
 */
export const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Opaque capability: whoever holds the id may act on the booking, so it is long and random.
 * No example: only an id this server issued can succeed, and documented examples must.
 */
export const BookingId = z.string().min(1).max(64).regex(VISIBLE_ASCII, 'visible ASCII characters only').meta({ description: 'The `id` of a booking, as `POST /bookings` answered it' });

/**
 * The slot every request example uses: in the future, one hour long, start before end, so a
 * documented example sent as is (the docs page's "Try it out") succeeds.
 */
export const EXAMPLE_SLOT = { start_date: '2030-01-31T18:00:00Z', end_date: '2030-01-31T19:00:00Z' } as const;
const exampleStart = InstantInput.meta({ example: EXAMPLE_SLOT.start_date });
const exampleEnd = InstantInput.meta({ example: EXAMPLE_SLOT.end_date });

/**
 * A booking's reference: what a guest reads out on the phone. Its alphabet has no look-alikes
 * (no 0/O, no 1/I/L). It names a booking but is no capability: only the id acts on it.
 */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const REFERENCE_LENGTH = 8;
export const BookingReference = singleLineText({ min: REFERENCE_LENGTH, max: REFERENCE_LENGTH })
  .transform((text) => text.toUpperCase())
  .pipe(z.string().regex(new RegExp(`^[${REFERENCE_ALPHABET}]+$`), 'Not a booking reference'))
  .meta({ description: 'The 8-character reference of a booking (case does not matter)', example: 'K7M2QX9P' });

/** A guest as a hold gives it. */
export const GuestInput = z
  .object({
    name: singleLineText({ min: 1, max: 200 }).meta({ example: 'Ada Lovelace' }),
    email: singleLineText({ max: 254 }).pipe(z.email()).meta({ format: 'email', example: 'ada@example.com' }),
  })
  .meta({ id: 'Guest' });

/**
 * A guest as the API answers it. Stored text is not checked again on the way out, so a row
 * written before the input rules tightened still reads instead of failing the whole answer.
 */
export const GuestSchema = z
  .object({
    name: z.string().meta({ example: 'Ada Lovelace' }),
    email: z.string().meta({ format: 'email', example: 'ada@example.com' }),
  })
  .meta({ id: 'GuestOutput' });
export type Guest = z.infer<typeof GuestSchema>;

export const BookingSchema = z
  .object({
    id: z.string().meta({ example: 'bk_3q2Zr9sX1vYkP0aLm4Tn8w' }),
    room_id: z.number().int().positive().meta({ example: 2 }),
    status: BookingStatusSchema,
    // The example tells one consistent story: held the day before, for the documented slot.
    start_date: InstantOutput.meta({ example: '2030-01-31T18:00:00.000Z' }),
    end_date: InstantOutput.meta({ example: '2030-01-31T19:00:00.000Z' }),
    created_at: InstantOutput.meta({ example: '2030-01-30T09:00:00.000Z' }),
    expires_at: InstantOutput.nullable().meta({ description: 'When a pending hold lapses; null otherwise', example: '2030-01-30T09:05:00.000Z' }),
    guest: GuestSchema,
    room: RoomSchema,
    reference: z.string().meta({ description: 'For phone calls and emails; it lets nobody act on the booking', example: 'K7M2QX9P' }),
    players: z.number().int().positive().meta({ example: 4 }),
    price: z
      .object({
        total: z.number().meta({ description: "For the whole party, locked when the hold was placed", example: 112.5 }),
        currency: z.string().meta({ example: 'EUR' }),
      })
      .meta({ id: 'BookingPrice' }),
    local_start: LocalDateTime.meta({ description: 'start_date in the venue time zone', example: '2030-01-31T19:00:00+01:00' }),
    local_end: LocalDateTime.meta({ description: 'end_date in the venue time zone', example: '2030-01-31T20:00:00+01:00' }),
    cancellable_until: InstantOutput.meta({
      description: "The guest can cancel a confirmed booking until this instant (the start minus the venue's cancellation cutoff)",
      example: '2030-01-30T18:00:00.000Z',
    }),
  })
  .meta({ id: 'Booking' });
export type Booking = z.infer<typeof BookingSchema>;

/** A half-open interval [start_date, end_date) given on the wire. */
function checkRange(range: { start_date: number; end_date: number }, ctx: z.RefinementCtx, maxMs?: number) {
  if (range.end_date <= range.start_date) {
    ctx.addIssue({ code: 'custom', path: ['end_date'], message: 'end_date must be after start_date' });
  } else if (maxMs !== undefined && range.end_date - range.start_date > maxMs) {
    ctx.addIssue({ code: 'custom', path: ['end_date'], message: 'A booking lasts at most 24 hours' });
  }
}

export const AvailabilityInput = z
  .object({ start_date: exampleStart, end_date: exampleEnd })
  .superRefine((range, ctx) => checkRange(range, ctx));
export type AvailabilityInput = z.input<typeof AvailabilityInput>;
export const AvailabilityOutput = z.object({ rooms: z.array(RoomSchema) });

export const HoldInput = z
  .object({
    room_id: RoomId,
    guest: GuestInput,
    start_date: exampleStart,
    end_date: exampleEnd,
    players: PlayerCount.optional()
      .meta({ description: "The party size; the room's `min_players` when left out", example: 2 }),
    replaces: BookingId.optional().meta({
      description: "One of the same guest's live holds, given back in the same step: the guest never holds two slots, nor none in between",
    }),
  })
  .superRefine((range, ctx) => checkRange(range, ctx, MAX_BOOKING_MS));
export type HoldInput = z.input<typeof HoldInput>;

export const BookingRef = z.object({ booking_id: BookingId });
export type BookingRef = z.input<typeof BookingRef>;

export const BookingOutput = z.object({ booking: BookingSchema });

/** The Idempotency-Key header of a hold: any visible ASCII, up to 255 characters (a UUID is typical). */
export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(VISIBLE_ASCII, 'visible ASCII characters only')
  .meta({ description: 'Retrying with the same key and body replays the first answer for 24 hours', example: '5f0c1d1e-6a43-4a51-9d1e-3f7f0c2b9a10' });

export const LIST_LIMIT_MAX = 100;

/** What every listing's paging fields are: an opaque cursor and a bounded page size. */
export const pageFields = {
  cursor: singleLineText({ max: 200 }).optional().meta({ description: '`next_cursor` of the previous page' }),
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).default(50),
};

/** A listing's optional from/to window must not be empty. */
export function checkWindow(q: { from?: number | undefined; to?: number | undefined }, ctx: z.RefinementCtx): void {
  if (q.from !== undefined && q.to !== undefined && q.to <= q.from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
  }
}

export const ListBookingsInput = z
  .object({
    status: BookingStatusSchema.optional(),
    room_id: RoomIdParam.optional(),
    reference: BookingReference.optional(),
    from: exampleStart.meta({ description: 'Bookings that end after this instant' }).optional(),
    to: exampleEnd.meta({ description: 'Bookings that start before this instant' }).optional(),
    ...pageFields,
  })
  .superRefine(checkWindow);
export type ListBookingsInput = z.input<typeof ListBookingsInput>;
export const ListBookingsOutput = z.object({
  bookings: z.array(BookingSchema),
  next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last one' }),
});
export type BookingPage = z.infer<typeof ListBookingsOutput>;

// Parsed forms (times as epoch milliseconds), as the service receives them.
export type AvailabilityQuery = z.output<typeof AvailabilityInput>;
export type HoldRequest = z.output<typeof HoldInput>;
export type ListBookingsQuery = z.output<typeof ListBookingsInput>;
