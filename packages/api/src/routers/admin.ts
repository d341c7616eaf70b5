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
  UpdateRoomInput,
} from '@escape-room/booking-core/contract';
import { z } from 'zod';
import { adminProcedure, router } from '../trpc.js';
import { rest } from '../rest-meta.js';

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
    .mutation(async ({ ctx, input }) => ({ booking: await ctx.service.cancelByVenue(input.booking_id) })),

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
      .meta(rest('PATCH', '/admin/rooms/{room_id}', { ...admin, summary: 'Change a room', errors: ['ROOM_NOT_FOUND'] }))
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
});
