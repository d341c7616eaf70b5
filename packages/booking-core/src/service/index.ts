import type { AvailabilityQuery, HoldRequest, ListBookingsQuery } from '../contract/index.js';
import type { ServiceDeps } from './deps.js';
import { availableRooms, getRoom, listRooms } from './rooms.js';
import { cancelBooking, confirmHold, getBooking, placeHold, releaseHold } from './bookings.js';
import { listBookings } from './admin.js';

export type { ServiceDeps } from './deps.js';
export type { BookingPage } from './admin.js';
export { blockingOverlap, isOverlapViolation } from './overlap.js';
export { toBookingDto, toRoomDto } from './serialize.js';

/** The use cases of the booking platform, bound to their dependencies. */
export function createBookingService(deps: ServiceDeps) {
  return {
    listRooms: () => listRooms(deps),
    getRoom: (roomId: number) => getRoom(deps, roomId),
    availableRooms: (query: AvailabilityQuery) => availableRooms(deps, query),
    placeHold: (request: HoldRequest) => placeHold(deps, request),
    getBooking: (bookingId: string) => getBooking(deps, bookingId),
    confirmHold: (bookingId: string) => confirmHold(deps, bookingId),
    releaseHold: (bookingId: string) => releaseHold(deps, bookingId),
    cancelBooking: (bookingId: string) => cancelBooking(deps, bookingId),
    listBookings: (query: ListBookingsQuery) => listBookings(deps, query),
  };
}

export type BookingService = ReturnType<typeof createBookingService>;
