/**
 * @escape-room/sdk: the typed client of the escape-room booking API.
 *
 * Everything a caller needs comes from here: the client, its error type, webhook verification,
 * and the API's own contract (zod schemas and inferred types), so a form can validate with the
 * server's rules.
 */
export {
  createBookingClient,
  type BookingClient,
  type BookingClientOptions,
  type HoldOptions,
} from './client.js';
export { BookingApiError, isBookingApiError, type BookingErrorCode } from './errors.js';
export { WebhookVerificationError, verifyWebhook, type WebhookHeaders } from './webhooks.js';
export * from '@escape-room/booking-core/contract';
export type { AppRouter, RouterInputs, RouterOutputs } from '@escape-room/api/router';
