import { ListBookingsInput, ListBookingsOutput } from '@escape-room/booking-core/contract';
import { adminProcedure, router } from '../init.js';
import { rest } from '../rest-meta.js';

export const adminRouter = router({
  listBookings: adminProcedure
    .meta(
      rest('GET', '/bookings', {
        tag: 'Admin',
        admin: true,
        summary: 'List bookings (admin)',
        description:
          'Filters combine. Pages are ordered by start time; pass `next_cursor` back as `cursor` until it is null.',
      }),
    )
    .input(ListBookingsInput)
    .output(ListBookingsOutput)
    .query(({ ctx, input }) => ctx.service.listBookings(input)),
});
