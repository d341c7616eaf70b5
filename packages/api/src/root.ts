import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { skipTrustedOutputParsing } from './output-trust.js';
import { router } from './trpc.js';
import { adminRouter } from './routers/admin.js';
import { bookingsRouter } from './routers/bookings.js';
import { roomsRouter } from './routers/rooms.js';
import { sessionsRouter, venueRouter } from './routers/venue.js';

/** The whole API. tRPC serves it at /trpc; REST and the OpenAPI document come from its meta. */
export const appRouter = skipTrustedOutputParsing(
  router({
    venue: venueRouter,
    sessions: sessionsRouter,
    rooms: roomsRouter,
    bookings: bookingsRouter,
    admin: adminRouter,
  }),
);

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
