import {
  AvailabilityInput,
  AvailabilityOutput,
  GetRoomInput,
  GetRoomOutput,
  ListRoomsOutput,
} from '@escape-room/booking-core/contract';
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.js';
import { rest } from '../rest-meta.js';

export const roomsRouter = router({
  list: publicProcedure
    .meta(rest('GET', '/rooms', { tag: 'Rooms', summary: 'List every room' }))
    .input(z.void())
    .output(ListRoomsOutput)
    .query(async ({ ctx }) => ({ rooms: await ctx.service.listRooms() })),

  get: publicProcedure
    .meta(rest('GET', '/rooms/{room_id}', { tag: 'Rooms', summary: 'Get one room', errors: ['ROOM_NOT_FOUND'] }))
    .input(GetRoomInput)
    .output(GetRoomOutput)
    .query(async ({ ctx, input }) => ({ room: await ctx.service.getRoom(input.room_id) })),

  availability: publicProcedure
    .meta(
      rest('GET', '/availability', {
        tag: 'Rooms',
        summary: 'Rooms free for a time range',
        description:
          'Rooms with no confirmed booking and no live hold overlapping [start_date, end_date). Back-to-back slots do not overlap.',
      }),
    )
    .input(AvailabilityInput)
    .output(AvailabilityOutput)
    .query(async ({ ctx, input }) => ({ rooms: await ctx.service.availableRooms(input) })),
});
