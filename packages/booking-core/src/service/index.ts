import type { BookingApi } from './api.js';
import type { ServiceDeps } from './deps.js';
import { archiveRoom, availableRooms, createRoom, getRoom, getSchedule, listAllRooms, listRooms, setSchedule, updateRoom } from './rooms.js';
import { listSessions } from './sessions.js';
import { getVenue, updateVenue } from './venue.js';
import { createAdminKey, listAdminKeys, revokeAdminKey, verifyAdminKey } from './admin-keys.js';
import { cancelBooking, cancelByVenue, confirmHold, extendHold, getBooking, placeHold, releaseHold } from './bookings.js';
import { sweep } from './sweeper.js';
import { calendarFile } from './calendar.js';
import { listBookings } from './booking-list.js';
import { bookingEvents, listEvents } from './events.js';
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, retryDelivery, rotateWebhookSecret, updateWebhook } from './webhooks.js';

export type { BookingApi } from './api.js';
export type { ServiceDeps, EndpointRules } from './deps.js';
export { DEFAULT_EVENT_RETENTION_DAYS, DEFAULT_PUBLIC_URL } from './deps.js';
export type { Outbox } from './outbox.js';
export { deliverDue, startDispatcher, leaseMs, type Dispatcher, type DeliveryOptions, type DispatchOptions, type DeliveryLogger } from './delivery.js';
export { parseSender, sendDueEmails, startMailDispatcher, type MailOptions, type MailDispatchOptions, type Sender as MailSender } from './mail.js';
export { bookingCalendar } from './calendar.js';
export { renderGuestEmail, escapeHtml } from './mail-content.js';
export { readRoomsFile, readVenueFile, seedDatabase } from './seed.js';

/** The use cases of the booking platform, bound to their dependencies. */
export function createBookingService(deps: ServiceDeps): BookingApi {
  return {
    listRooms: () => listRooms(deps),
    getRoom: (roomId) => getRoom(deps, roomId),
    availableRooms: (query) => availableRooms(deps, query),
    getVenue: () => getVenue(deps),
    getSchedule: (roomId) => getSchedule(deps, roomId),
    listSessions: (query) => listSessions(deps, query),
    placeHold: (request, options) => placeHold(deps, request, options),
    getBooking: (bookingId) => getBooking(deps, bookingId),
    calendarFile: (bookingId) => calendarFile(deps, bookingId),
    confirmHold: (bookingId) => confirmHold(deps, bookingId),
    releaseHold: (bookingId) => releaseHold(deps, bookingId),
    cancelBooking: (bookingId) => cancelBooking(deps, bookingId),
    extendHold: (bookingId) => extendHold(deps, bookingId),
    listBookings: (query) => listBookings(deps, query),
    sweep: () => sweep(deps),
    cancelByVenue: (bookingId, actor) => cancelByVenue(deps, bookingId, actor),
    bookingEvents: (bookingId) => bookingEvents(deps, bookingId),
    listEvents: (query) => listEvents(deps, query),
    createWebhook: (request) => createWebhook(deps, request),
    listWebhooks: () => listWebhooks(deps),
    getWebhook: (webhookId) => getWebhook(deps, webhookId),
    updateWebhook: (request) => updateWebhook(deps, request),
    deleteWebhook: (webhookId) => deleteWebhook(deps, webhookId),
    rotateWebhookSecret: (webhookId) => rotateWebhookSecret(deps, webhookId),
    listDeliveries: (query) => listDeliveries(deps, query),
    retryDelivery: (webhookId, deliveryId) => retryDelivery(deps, webhookId, deliveryId),
    listAllRooms: () => listAllRooms(deps),
    createRoom: (request) => createRoom(deps, request),
    updateRoom: (request) => updateRoom(deps, request),
    archiveRoom: (roomId) => archiveRoom(deps, roomId),
    setSchedule: (roomId, schedule) => setSchedule(deps, roomId, schedule),
    updateVenue: (request) => updateVenue(deps, request),
    createAdminKey: (name) => createAdminKey(deps, name),
    listAdminKeys: () => listAdminKeys(deps),
    revokeAdminKey: (keyId) => revokeAdminKey(deps, keyId),
    verifyAdminKey: (presented) => verifyAdminKey(deps, presented),
  };
}
