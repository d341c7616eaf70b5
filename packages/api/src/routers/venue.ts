import { SessionsInput, SessionsOutput, VenueOutput } from '@escape-room/booking-core/contract';
import { z } from 'zod';
import { publicProcedure, router } from '../trpc.js';
import { rest } from '../rest-meta.js';

export const venueRouter = router({
  get: publicProcedure
    .meta(rest('GET', '/venue', { tag: 'Venue', summary: "The venue's settings", description: 'Its time zone, currency and booking policies.' }))
    .input(z.void())
    .output(VenueOutput)
    .query(async ({ ctx }) => ({ venue: await ctx.service.getVenue() })),
});

export const sessionsRouter = router({
  list: publicProcedure
    .meta({
      ...rest('GET', '/sessions', {
        tag: 'Sessions',
        summary: 'Sessions over venue-local days',
        description:
          'Every session of the open scheduled rooms from `date` for `days` days (venue-local), sorted by start, then room. ' +
          "Prices are for `players`, or each room's `min_players`; rooms that cannot take `players` are left out. " +
          'Hold one by sending its `room_id`, `start_date` and `end_date` as they are.',
        errors: ['ROOM_NOT_FOUND'],
      }),
      // The grid's answer is large (up to 31 days of sessions) and built field by field in
      // service/sessions.ts: parsing it again cost as much as sending it.
      trustOutput: true,
    })
    .input(SessionsInput)
    .output(SessionsOutput)
    .query(({ ctx, input }) => ctx.service.listSessions(input)),
});
