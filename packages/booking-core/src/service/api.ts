import type {
  Actor,
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
  BookingEvent,
  CreateWebhookRequest,
  Delivery,
  DeliveryPage,
  EventPage,
  ListDeliveriesQuery,
  ListEventsQuery,
  UpdateWebhookRequest,
  Webhook,
  WebhookWithSecret,
} from '../contract/index.js';

export interface HoldOptions {
  /** Makes a retried hold safe: the same key and request get the first answer back. */
  idempotencyKey?: string | undefined;
}

/** A booking's calendar file (text/calendar) and the name it is offered under. */
export interface CalendarFile {
  fileName: string;
  content: string;
}

export interface SweepResult {
  expiredHolds: number;
  forgottenKeys: number;
  prunedEvents: number;
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
  /** The booking as an iCalendar event in the venue's time zone. */
  calendarFile(bookingId: string): Promise<CalendarFile>;
  confirmHold(bookingId: string): Promise<Booking>;
  releaseHold(bookingId: string): Promise<Booking>;
  cancelBooking(bookingId: string): Promise<Booking>;
  extendHold(bookingId: string): Promise<Booking>;
  listBookings(query: ListBookingsQuery): Promise<BookingPage>;
  /** A booking's history, oldest first. */
  bookingEvents(bookingId: string): Promise<BookingEvent[]>;
  /** Housekeeping every instance runs periodically; see sweeper.ts. */
  sweep(): Promise<SweepResult>;

  // The venue's own operations (admin only).
  cancelByVenue(bookingId: string, actor: Actor): Promise<Booking>;
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
  listEvents(query: ListEventsQuery): Promise<EventPage>;
  createWebhook(request: CreateWebhookRequest): Promise<WebhookWithSecret>;
  listWebhooks(): Promise<Webhook[]>;
  getWebhook(webhookId: string): Promise<Webhook>;
  updateWebhook(request: UpdateWebhookRequest): Promise<Webhook>;
  deleteWebhook(webhookId: string): Promise<Webhook>;
  rotateWebhookSecret(webhookId: string): Promise<WebhookWithSecret>;
  listDeliveries(query: ListDeliveriesQuery): Promise<DeliveryPage>;
  retryDelivery(webhookId: string, deliveryId: number): Promise<Delivery>;
  /** Whether a presented bearer token is a live admin key. */
  verifyAdminKey(presented: string): Promise<{ verdict: 'valid'; keyId: string } | { verdict: 'revoked' | 'unknown' }>;
}
