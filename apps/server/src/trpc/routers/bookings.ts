import { BookingOutput, BookingRef, HoldInput } from '@escape-room/booking-core/contract';
import { publicProcedure, router } from '../init.js';
import { rest } from '../rest-meta.js';

const ONE_BOOKING = '/bookings/{booking_id}';

export const bookingsRouter = router({
  hold: publicProcedure
    .meta(
      rest('POST', '/bookings', {
        tag: 'Bookings',
        summary: 'Hold a room slot',
        description:
          'Creates a pending booking that keeps the slot for the hold length (5 minutes by default). Confirm or release it before `expires_at`.',
        errors: ['ROOM_NOT_FOUND', 'SLOT_UNAVAILABLE'],
        successStatus: 201,
      }),
    )
    .input(HoldInput)
    .output(BookingOutput)
    .mutation(async ({ ctx, input }) => ({ booking: await ctx.service.placeHold(input) })),

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
        description: 'Only before the booking starts.',
        errors: ['BOOKING_NOT_FOUND', 'INVALID_STATE'],
      }),
    )
    .input(BookingRef)
    .output(BookingOutput)
    .mutation(async ({ ctx, input }) => ({ booking: await ctx.service.cancelBooking(input.booking_id) })),
});
