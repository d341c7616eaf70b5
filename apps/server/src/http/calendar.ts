import type { FastifyPluginAsync } from 'fastify';
import { calendarFile, knownFailure, retryAfterHeader, statusFor } from '@escape-room/api';
import { BookingRef } from '@escape-room/booking-core/contract';
import type { ContextFactory } from '../context.js';

/**
 * GET /api/v1/bookings/{booking_id}/calendar.ics: the booking as a calendar file. Not JSON, so
 * not a procedure; it spends from the same budget and answers failures with the same body as
 * the REST operations (described once, in packages/api's calendar.ts).
 */
export const calendarRoute: FastifyPluginAsync<{ makeContext: ContextFactory }> = async (app, { makeContext }) => {
  app.get(calendarFile.route, async (request, reply) => {
    const context = makeContext(request);
    try {
      await context.spend(calendarFile.meta.budget ?? 'read');
      const { booking_id } = BookingRef.parse(request.params);
      const file = await context.service.calendarFile(booking_id);
      return await reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(file.content);
    } catch (error) {
      const body = knownFailure(error);
      // Anything else is ours: the error handler logs it and answers a bare 500.
      if (!body) throw error;
      return reply.status(statusFor(body.code)).headers(retryAfterHeader([{ cause: error }])).send(body);
    }
  });
};
