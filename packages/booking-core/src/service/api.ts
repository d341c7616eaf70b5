import type {
  AdminKey,
  AdminRoom,
  AvailabilityQuery,
  Booking,
  BookingPage,
  CreateRoomRequest,
  CreatedAdminKey,
  HoldRequest,
  ListBookingsQuery,
  Room,
  Schedule,
  SessionsPage,
  SessionsQuery,
  UpdateRoomRequest,
  UpdateVenueRequest,
  Venue,
} from '../contract/index.js';

export interface HoldOptions {
  /** Makes a retried hold safe: the same key and request get the first answer back. */
  idempotencyKey?: string | undefined;
}

export interface SweepResult {
  expiredHolds: number;
  forgottenKeys: number;
}

/**
 * The use cases as transports see them, in contract types only. Written out (rather than
 * inferred from the implementation) so that nothing of the ORM reaches a client's types.
 */
export interface BookingApi {
  listRooms(): Promise<Room[]>;
  getRoom(roomId: number): Promise<Room>;
  availableRooms(query: AvailabilityQuery): Promise<Room[]>;
  getVenue(): Promise<Venue>;
  /** A room's schedule; null when it takes any free range. */
  getSchedule(roomId: number): Promise<Schedule | null>;
  listSessions(query: SessionsQuery): Promise<SessionsPage>;
  placeHold(request: HoldRequest, options?: HoldOptions): Promise<Booking>;
  getBooking(bookingId: string): Promise<Booking>;
  confirmHold(bookingId: string): Promise<Booking>;
  releaseHold(bookingId: string): Promise<Booking>;
  cancelBooking(bookingId: string): Promise<Booking>;
  extendHold(bookingId: string): Promise<Booking>;
  listBookings(query: ListBookingsQuery): Promise<BookingPage>;
  /** Housekeeping every instance runs periodically; see sweeper.ts. */
  sweep(): Promise<SweepResult>;

  // The venue's own operations (admin only).
  cancelByVenue(bookingId: string): Promise<Booking>;
  listAllRooms(): Promise<AdminRoom[]>;
  createRoom(request: CreateRoomRequest): Promise<AdminRoom>;
  updateRoom(request: UpdateRoomRequest): Promise<AdminRoom>;
  archiveRoom(roomId: number): Promise<AdminRoom>;
  /** Sets a room's schedule; null clears it. */
  setSchedule(roomId: number, schedule: Schedule | null): Promise<Schedule | null>;
  updateVenue(request: UpdateVenueRequest): Promise<Venue>;
  createAdminKey(name: string): Promise<CreatedAdminKey>;
  listAdminKeys(): Promise<AdminKey[]>;
  revokeAdminKey(keyId: string): Promise<AdminKey>;
  /** Whether a presented bearer token is a live admin key. */
  verifyAdminKey(presented: string): Promise<'valid' | 'revoked' | 'unknown'>;
}
