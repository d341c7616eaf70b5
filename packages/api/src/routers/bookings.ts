import { BookingEventsOutput, BookingOutput, BookingRef, HoldInput, IdempotencyKeySchema } from '@escape-room/booking-core/contract';
import { BookingError } from '@escape-room/booking-core/domain';
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.js';
import { rest } from '../rest-meta.js';

const ONE_BOOKING = '/bookings/{booking_id}';

function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parsed = IdempotencyKeySchema.safeParse(header);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? 'invalid';
  throw new BookingError('VALIDATION_ERROR', `Invalid Idempotency-Key: ${message}`, [{ path: 'Idempotency-Key', message }]);
}

export const bookingsRouter = router({
  hold: publicProcedure
    .meta(
      rest('POST', '/bookings', {
        tag: 'Bookings',
        summary: 'Hold a room slot',
        description:
          'Creates a pending booking that keeps the slot (and the room\'s reset after it) for the hold length (5 minutes by default). ' +
          'Confirm or release it before `expires_at`. A scheduled room takes exactly its sessions. The price is locked now. ' +
          'A guest (by email) holds a few slots at most at once; `replaces` swaps one of them for this one in one step.',
        errors: [
          'ROOM_NOT_FOUND',
          'BOOKING_NOT_FOUND',
          'ROOM_ARCHIVED',
          'SLOT_UNAVAILABLE',
          'INVALID_STATE',
          'TOO_MANY_HOLDS',
          'PARTY_SIZE_NOT_ALLOWED',
          'NOT_A_SESSION',
          'TOO_SOON',
          'TOO_FAR_AHEAD',
          'IDEMPOTENCY_KEY_REUSED',
          'IDEMPOTENCY_IN_PROGRESS',
        ],
        successStatus: 201,
        budget: 'hold',
        requestHeaders: z.object({ 'idempotency-key': IdempotencyKeySchema.optional() }),
      }),
    )
    .input(HoldInput)
    .output(BookingOutput)
    .mutation(async ({ ctx, input }) => ({
      booking: await ctx.service.placeHold(input, { idempotencyKey: idempotencyKey(ctx.idempotencyKey) }),
    })),

  extend: publicProcedure
    .meta(
      rest('POST', `${ONE_BOOKING}/extend`, {
        tag: 'Bookings',
        summary: 'Extend a hold',
        description:
          'Restarts the hold: `expires_at` becomes now + the hold length, but never more than the cap (15 minutes after creation by default). A lapsed hold cannot be extended.',
        errors: ['BOOKING_NOT_FOUND', 'HOLD_EXPIRED', 'INVALID_STATE'],
      }),
    )
    .input(BookingRef)
    .output(BookingOutput)
    .mutation(async ({ ctx, input }) => ({ booking: await ctx.service.extendHold(input.booking_id) })),

  get: publicProcedure
    .meta(
      rest('GET', ONE_BOOKING, {
        tag: 'Bookings',
        summary: 'Get a booking',
        description: 'A pending hold past `expires_at` reads `expired`.',
        errors: ['BOOKING_NOT_FOUND'],
      }),
    )
    .input(BookingRef)
    .output(BookingOutput)
    .query(async ({ ctx, input }) => ({ booking: await ctx.service.getBooking(input.booking_id) })),

  confirm: publicProcedure
    .meta(
      rest('PUT', `${ONE_BOOKING}/confirm`, {
        tag: 'Bookings',
        summary: 'Confirm a hold',
        description: 'Needs no body. Fails with HOLD_EXPIRED once the hold has lapsed.',
        errors: ['BOOKING_NOT_FOUND', 'HOLD_EXPIRED', 'INVALID_STATE'],
      }),
    )
    .input(BookingRef)
    .output(BookingOutput)
    .mutation(async ({ ctx, input }) => ({ booking: await ctx.service.confirmHold(input.booking_id) })),

  release: publicProcedure
    .meta(
      rest('DELETE', `${ONE_BOOKING}/release`, {
        tag: 'Bookings',
        summary: 'Release a hold',
        description: 'Gives the slot back at once.',
        errors: ['BOOKING_NOT_FOUND', 'HOLD_EXPIRED', 'INVALID_STATE'],
      }),
    )
    .input(BookingRef)
    .output(BookingOutput)
    .mutation(async ({ ctx, input }) => ({ booking: await ctx.service.releaseHold(input.booking_id) })),

  cancel: publicProcedure
    .meta(
      rest('DELETE', `${ONE_BOOKING}/cancel`, {
        tag: 'Bookings',
        summary: 'Cancel a confirmed booking',
        description: "Only before the booking starts, and not after `cancellable_until` (the venue's cancellation cutoff).",
        errors: ['BOOKING_NOT_FOUND', 'INVALID_STATE', 'CANCELLATION_WINDOW_CLOSED'],
      }),
    )
    .input(BookingRef)
    .output(BookingOutput)
    .mutation(async ({ ctx, input }) => ({ booking: await ctx.service.cancelBooking(input.booking_id) })),

  events: publicProcedure
    .meta(
      rest('GET', `${ONE_BOOKING}/events`, {
        tag: 'Events',
        summary: "A booking's history",
        description: 'Every change of the booking, oldest first, each as its webhook delivered it. The booking id is the credential.',
        errors: ['BOOKING_NOT_FOUND'],
      }),
    )
    .input(BookingRef)
    .output(BookingEventsOutput)
    .query(async ({ ctx, input }) => ({ events: await ctx.service.bookingEvents(input.booking_id) })),
});
