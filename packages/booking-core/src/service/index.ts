import type { BookingApi } from './api.js';
import type { ServiceDeps } from './deps.js';
import { availableRooms, getRoom, listRooms } from './rooms.js';
import { cancelBooking, confirmHold, extendHold, getBooking, placeHold, releaseHold } from './bookings.js';
import { sweep } from './sweeper.js';
import { listBookings } from './admin.js';

export type { BookingApi, BookingPage, HoldOptions, SweepResult } from './api.js';
export type { ServiceDeps } from './deps.js';
export { blockingOverlap, isOverlapViolation } from './overlap.js';
export { toBookingDto, toRoomDto } from './serialize.js';

/** The use cases of the booking platform, bound to their dependencies. */
export function createBookingService(deps: ServiceDeps): BookingApi {
  return {
    listRooms: () => listRooms(deps),
    getRoom: (roomId) => getRoom(deps, roomId),
    availableRooms: (query) => availableRooms(deps, query),
    placeHold: (request, options) => placeHold(deps, request, options),
    getBooking: (bookingId) => getBooking(deps, bookingId),
    confirmHold: (bookingId) => confirmHold(deps, bookingId),
    releaseHold: (bookingId) => releaseHold(deps, bookingId),
    cancelBooking: (bookingId) => cancelBooking(deps, bookingId),
    extendHold: (bookingId) => extendHold(deps, bookingId),
    listBookings: (query) => listBookings(deps, query),
    sweep: () => sweep(deps),
  };
}
