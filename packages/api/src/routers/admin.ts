import {
  AdminKeyOutput,
  AdminKeyRef,
  AdminKeysOutput,
  AdminRoomOutput,
  AdminRoomRef,
  AdminRoomsOutput,
  BookingOutput,
  BookingRef,
  CreateAdminKeyInput,
  CreateRoomInput,
  CreatedAdminKeyOutput,
  ListBookingsInput,
  ListBookingsOutput,
  ScheduleOutput,
  ScheduleRoomRef,
  SetScheduleInput,
  UpdateRoomInput,
  UpdateVenueInput,
  VenueOutput,
} from '@escape-room/booking-core/contract';
import { z } from 'zod';
import { adminProcedure, router } from '../trpc.js';
import { rest } from '../rest-meta.js';
import { eventsRouter, webhooksRouter } from './webhooks.js';

const admin = { tag: 'Admin', admin: true } as const;

export const adminRouter = router({
  listBookings: adminProcedure
    .meta(
      rest('GET', '/bookings', {
        ...admin,
        summary: 'List bookings',
        description:
          'Filters combine. Pages are ordered by start time; pass `next_cursor` back as `cursor` until it is null.',
      }),
    )
    .input(ListBookingsInput)
    .output(ListBookingsOutput)
    .query(({ ctx, input }) => ctx.service.listBookings(input)),

  cancelBooking: adminProcedure
    .meta(
      rest('DELETE', '/admin/bookings/{booking_id}', {
        ...admin,
        summary: 'Cancel any booking',
        description: 'Calls off a held or confirmed booking until its slot is over, whoever made it.',
        errors: ['BOOKING_NOT_FOUND', 'INVALID_STATE'],
      }),
    )
    .input(BookingRef)
    .output(BookingOutput)
    .mutation(async ({ ctx, input }) => ({ booking: await ctx.service.cancelByVenue(input.booking_id, ctx.actor) })),

  venue: router({
    update: adminProcedure
      .meta(
        rest('PATCH', '/admin/venue', {
          ...admin,
          summary: "Change the venue's settings",
          description:
            'Any of the fields. Bookings keep the price and currency they were held with. A currency with fewer decimals is refused while a room has a price it cannot express.',
        }),
      )
      .input(UpdateVenueInput)
      .output(VenueOutput)
      .mutation(async ({ ctx, input }) => ({ venue: await ctx.service.updateVenue(input) })),
  }),

  rooms: router({
    list: adminProcedure
      .meta(rest('GET', '/admin/rooms', { ...admin, summary: 'List every room, archived ones included' }))
      .input(z.void())
      .output(AdminRoomsOutput)
      .query(async ({ ctx }) => ({ rooms: await ctx.service.listAllRooms() })),

    create: adminProcedure
      .meta(rest('POST', '/admin/rooms', { ...admin, summary: 'Create a room', successStatus: 201 }))
      .input(CreateRoomInput)
      .output(AdminRoomOutput)
      .mutation(async ({ ctx, input }) => ({ room: await ctx.service.createRoom(input) })),

    update: adminProcedure
      .meta(
        rest('PATCH', '/admin/rooms/{room_id}', {
          ...admin,
          summary: 'Change a room',
          description: 'Held and confirmed bookings keep the price, party and reset they were held with.',
          errors: ['ROOM_NOT_FOUND'],
        }),
      )
      .input(UpdateRoomInput)
      .output(AdminRoomOutput)
      .mutation(async ({ ctx, input }) => ({ room: await ctx.service.updateRoom(input) })),

    archive: adminProcedure
      .meta(
        rest('DELETE', '/admin/rooms/{room_id}', {
          ...admin,
          summary: 'Archive a room',
          description: 'The room takes no new holds and leaves the public list; its bookings stay.',
          errors: ['ROOM_NOT_FOUND'],
        }),
      )
      .input(AdminRoomRef)
      .output(AdminRoomOutput)
      .mutation(async ({ ctx, input }) => ({ room: await ctx.service.archiveRoom(input.room_id) })),

    setSchedule: adminProcedure
      .meta(
        rest('PUT', '/admin/rooms/{room_id}/schedule', {
          ...admin,
          summary: "Set a room's schedule",
          description:
            'The room then sells these sessions only. Games (with the room\'s reset) must not run into each other: a 400 names the day. Existing bookings keep their times and prices.',
          errors: ['ROOM_NOT_FOUND'],
        }),
      )
      .input(SetScheduleInput)
      .output(ScheduleOutput)
      .mutation(async ({ ctx, input: { room_id, ...schedule } }) => ({ schedule: await ctx.service.setSchedule(room_id, schedule) })),

    clearSchedule: adminProcedure
      .meta(
        rest('DELETE', '/admin/rooms/{room_id}/schedule', {
          ...admin,
          summary: "Clear a room's schedule",
          description: 'The room takes any free range again. Existing bookings stay.',
          errors: ['ROOM_NOT_FOUND'],
        }),
      )
      .input(ScheduleRoomRef)
      .output(ScheduleOutput)
      .mutation(async ({ ctx, input }) => ({ schedule: await ctx.service.setSchedule(input.room_id, null) })),
  }),

  keys: router({
    list: adminProcedure
      .meta(rest('GET', '/admin/keys', { ...admin, summary: 'List admin API keys (never their secrets)' }))
      .input(z.void())
      .output(AdminKeysOutput)
      .query(async ({ ctx }) => ({ keys: await ctx.service.listAdminKeys() })),

    create: adminProcedure
      .meta(
        rest('POST', '/admin/keys', {
          ...admin,
          summary: 'Create an admin API key',
          description: 'The answer carries the secret once; only its hash is stored.',
          successStatus: 201,
        }),
      )
      .input(CreateAdminKeyInput)
      .output(CreatedAdminKeyOutput)
      .mutation(({ ctx, input }) => ctx.service.createAdminKey(input.name)),

    revoke: adminProcedure
      .meta(rest('DELETE', '/admin/keys/{key_id}', { ...admin, summary: 'Revoke an admin API key', errors: ['KEY_NOT_FOUND'] }))
      .input(AdminKeyRef)
      .output(AdminKeyOutput)
      .mutation(async ({ ctx, input }) => ({ key: await ctx.service.revokeAdminKey(input.key_id) })),
  }),

  events: eventsRouter,
  webhooks: webhooksRouter,
});
