import {
  AvailabilityInput,
  AvailabilityOutput,
  GetRoomInput,
  GetRoomOutput,
  ListRoomsOutput,
  ScheduleOutput,
  ScheduleRoomRef,
} from '@escape-room/booking-core/contract';
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.js';
import { rest } from '../rest-meta.js';

// The rooms a guest reads are the catalog's wire forms or built by toRoomDto (service/serialize.ts),
// field by field: tRPC does not parse them again per call (`trustOutput`, see output-trust.ts).
// Under the benchmark's load that parse was 12% of the server's busy time on the room list (its CPU
// profile's outputValidatorMiddleware) and 4% on availability.
export const roomsRouter = router({
  list: publicProcedure
    .meta({ ...rest('GET', '/rooms', { tag: 'Rooms', summary: 'List every room' }), trustOutput: true })
    .input(z.void())
    .output(ListRoomsOutput)
    .query(async ({ ctx }) => ({ rooms: await ctx.service.listRooms() })),

  get: publicProcedure
    .meta({ ...rest('GET', '/rooms/{room_id}', { tag: 'Rooms', summary: 'Get one room', errors: ['ROOM_NOT_FOUND'] }), trustOutput: true })
    .input(GetRoomInput)
    .output(GetRoomOutput)
    .query(async ({ ctx, input }) => ({ room: await ctx.service.getRoom(input.room_id) })),

  schedule: publicProcedure
    .meta(
      rest('GET', '/rooms/{room_id}/schedule', {
        tag: 'Rooms',
        summary: "A room's schedule",
        description: 'Weekly rules and dated exceptions in venue-local time; `null` when the room takes any free range.',
        errors: ['ROOM_NOT_FOUND'],
      }),
    )
    .input(ScheduleRoomRef)
    .output(ScheduleOutput)
    .query(async ({ ctx, input }) => ({ schedule: await ctx.service.getSchedule(input.room_id) })),

  availability: publicProcedure
    .meta({
      ...rest('GET', '/availability', {
        tag: 'Rooms',
        summary: 'Rooms free for a time range',
        description:
          "Open rooms a hold of [start_date, end_date) would get: no confirmed booking or live hold overlaps the range plus the room's reset (`buffer_minutes`). " +
          'Back-to-back slots do not overlap. Schedules are not consulted: a scheduled room takes only its sessions (see `GET /sessions`).',
      }),
      trustOutput: true,
    })
    .input(AvailabilityInput)
    .output(AvailabilityOutput)
    .query(async ({ ctx, input }) => ({ rooms: await ctx.service.availableRooms(input) })),
});
