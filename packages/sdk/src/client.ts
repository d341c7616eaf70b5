import { createTRPCClient, httpBatchLink, httpLink, retryLink, splitLink } from '@trpc/client';
import type {
  AdminKey,
  AdminRoom,
  AvailabilityInput,
  Booking,
  BookingEvent,
  BookingPage,
  CreateRoomInput,
  CreateWebhookInput,
  CreatedAdminKey,
  Delivery,
  DeliveryPage,
  EventPage,
  HoldInput,
  ListBookingsInput,
  ListDeliveriesInput,
  ListEventsInput,
  Room,
  Schedule,
  SessionsInput,
  SessionsPage,
  SetScheduleInput,
  UpdateRoomInput,
  UpdateVenueInput,
  UpdateWebhookInput,
  Venue,
  Webhook,
  WebhookWithSecret,
} from '@escape-room/booking-core/contract';
import type { AppRouter } from '@escape-room/api/router';
import { BookingApiError, toBookingApiError } from './errors.js';

type HeaderMap = Record<string, string>;

export interface BookingClientOptions {
  /** Where the API is served, e.g. `https://bookings.example.com` (the `/trpc` path is added). */
  baseUrl: string;
  /** An admin API key, sent as `Authorization: Bearer …`; needed for `admin.*` only. */
  adminKey?: string | undefined;
  /** A fetch implementation; defaults to the global one. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Extra headers for every request, or a function returning them (e.g. a tracing id). */
  headers?: HeaderMap | (() => HeaderMap | Promise<HeaderMap>) | undefined;
  /**
   * How often a hold or a read is retried after a failure that may be temporary (no answer,
   * 503, a request with the same idempotency key still running). Default 2; 0 disables.
   */
  retries?: number | undefined;
}

export interface HoldOptions {
  /**
   * Sent as the Idempotency-Key header. By default the client makes one per `hold` call and
   * reuses it for its own retries, so a retried hold never takes the slot from itself.
   */
  idempotencyKey?: string | undefined;
}

const RETRYABLE = new Set<BookingApiError['code']>(['NETWORK_ERROR', 'SERVICE_UNAVAILABLE', 'IDEMPOTENCY_IN_PROGRESS']);

/** Runs one call and throws BookingApiErrors only. */
async function attempt<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toBookingApiError(error);
  }
}

// eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- only a type alias meets tRPC's index-signature context
type OperationContext = {
  idempotencyKey?: string;
};

/**
 * A typed client for every operation of the booking API. Calls made in the same tick are
 * batched into one HTTP request. Every failure is a `BookingApiError`.
 */
export function createBookingClient(options: BookingClientOptions) {
  const { adminKey, headers, retries = 2 } = options;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/trpc`;
  const commonHeaders = async (): Promise<HeaderMap> => {
    const extra = typeof headers === 'function' ? await headers() : (headers ?? {});
    return adminKey ? { ...extra, authorization: `Bearer ${adminKey}` } : extra;
  };
  const trpc = createTRPCClient<AppRouter>({
    links: [
      // Reads and holds are safe to send again: a read changes nothing, and every attempt of one
      // hold carries the same Idempotency-Key (it travels in the operation's context). Other
      // changes are sent once: a confirm that timed out may have happened.
      retryLink({
        retry: ({ op, error, attempts }) =>
          attempts <= retries && (op.type === 'query' || op.path === 'bookings.hold') && RETRYABLE.has(toBookingApiError(error).code),
        retryDelayMs: (attempts) => 200 * 2 ** (attempts - 1),
      }),
      // A hold travels alone, because its Idempotency-Key is a header of its own request.
      splitLink({
        condition: (op) => op.path === 'bookings.hold',
        true: httpLink({
          url,
          fetch: options.fetch,
          async headers({ op }) {
            const { idempotencyKey } = op.context as OperationContext;
            return { ...(await commonHeaders()), ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) };
          },
        }),
        false: httpBatchLink({ url, fetch: options.fetch, maxURLLength: 2000, headers: commonHeaders }),
      }),
    ],
  });

  return {
    /** The venue's name, time zone, currency and booking policies. */
    venue: (): Promise<Venue> => attempt(async () => (await trpc.venue.get.query()).venue),

    /**
     * The sessions of the scheduled rooms over venue-local days (`date`, `days`), sorted by start,
     * then room, with their status and a price for `players` (or each room's `min_players`).
     * Hold one by passing its `room_id`, `start_date` and `end_date` to `bookings.hold` as they are.
     */
    sessions: (query: SessionsInput): Promise<SessionsPage> => attempt(() => trpc.sessions.list.query(query)),

    rooms: {
      list: (): Promise<Room[]> => attempt(async () => (await trpc.rooms.list.query()).rooms),
      get: (roomId: number): Promise<Room> =>
        attempt(async () => (await trpc.rooms.get.query({ room_id: roomId })).room),
      /** The room's weekly sessions and dated exceptions, in venue-local time; `null` when it takes any free range. */
      schedule: (roomId: number): Promise<Schedule | null> =>
        attempt(async () => (await trpc.rooms.schedule.query({ room_id: roomId })).schedule),
    },

    /** Rooms with no confirmed booking and no live hold overlapping `[start_date, end_date)`. */
    availability: (range: AvailabilityInput): Promise<Room[]> =>
      attempt(async () => (await trpc.rooms.availability.query(range)).rooms),

    bookings: {
      /**
       * Holds a slot for the server's hold length; confirm or release it before `expires_at`.
       * A scheduled room takes exactly one of its sessions. `players` defaults to the room's
       * `min_players`; the price is locked now. `replaces` gives back one of the same guest's
       * live holds in the same step. Safe to retry: every attempt of one call carries the same
       * Idempotency-Key.
       */
      hold: (request: HoldInput, holdOptions: HoldOptions = {}): Promise<Booking> => {
        const context: OperationContext = { idempotencyKey: holdOptions.idempotencyKey ?? globalThis.crypto.randomUUID() };
        return attempt(async () => (await trpc.bookings.hold.mutate(request, { context })).booking);
      },
      get: (bookingId: string): Promise<Booking> =>
        attempt(async () => (await trpc.bookings.get.query({ booking_id: bookingId })).booking),
      /** Restarts a live hold's clock (up to the server's cap). */
      extend: (bookingId: string): Promise<Booking> =>
        attempt(async () => (await trpc.bookings.extend.mutate({ booking_id: bookingId })).booking),
      confirm: (bookingId: string): Promise<Booking> =>
        attempt(async () => (await trpc.bookings.confirm.mutate({ booking_id: bookingId })).booking),
      release: (bookingId: string): Promise<Booking> =>
        attempt(async () => (await trpc.bookings.release.mutate({ booking_id: bookingId })).booking),
      cancel: (bookingId: string): Promise<Booking> =>
        attempt(async () => (await trpc.bookings.cancel.mutate({ booking_id: bookingId })).booking),
      /** The booking's history, oldest first: each change as its webhook delivers it. The booking id is the credential. */
      events: (bookingId: string): Promise<BookingEvent[]> =>
        attempt(async () => (await trpc.bookings.events.query({ booking_id: bookingId })).events),
    },

    admin: {
      venue: {
        /** Changes any of the venue's settings; `horizon_days: null` lifts the horizon. */
        update: (changes: UpdateVenueInput): Promise<Venue> =>
          attempt(async () => (await trpc.admin.venue.update.mutate(changes)).venue),
      },
      bookings: {
        /** One page of bookings, oldest slot first. */
        list: (query: ListBookingsInput = {}): Promise<BookingPage> =>
          attempt(() => trpc.admin.listBookings.query(query)),
        /** Every booking matching the filters, following `next_cursor` page after page. */
        async *all(query: Omit<ListBookingsInput, 'cursor'> = {}): AsyncGenerator<Booking, void, undefined> {
          let cursor: string | undefined;
          do {
            const page = await attempt(() => trpc.admin.listBookings.query({ ...query, cursor }));
            yield* page.bookings;
            cursor = page.next_cursor ?? undefined;
          } while (cursor);
        },
        /** Calls off any held or confirmed booking until its slot is over. */
        cancel: (bookingId: string): Promise<Booking> =>
          attempt(async () => (await trpc.admin.cancelBooking.mutate({ booking_id: bookingId })).booking),
      },
      rooms: {
        /** Every room, archived ones included. */
        list: (): Promise<AdminRoom[]> => attempt(async () => (await trpc.admin.rooms.list.query()).rooms),
        create: (room: CreateRoomInput): Promise<AdminRoom> => attempt(async () => (await trpc.admin.rooms.create.mutate(room)).room),
        update: (roomId: number, changes: Omit<UpdateRoomInput, 'room_id'>): Promise<AdminRoom> =>
          attempt(async () => (await trpc.admin.rooms.update.mutate({ ...changes, room_id: roomId })).room),
        /** Stops new holds on the room; its bookings stay. */
        archive: (roomId: number): Promise<AdminRoom> =>
          attempt(async () => (await trpc.admin.rooms.archive.mutate({ room_id: roomId })).room),
        /** The room then sells these sessions only; existing bookings keep their times and prices. */
        setSchedule: (roomId: number, schedule: Omit<SetScheduleInput, 'room_id'>): Promise<Schedule> =>
          attempt(async () => {
            const set = (await trpc.admin.rooms.setSchedule.mutate({ ...schedule, room_id: roomId })).schedule;
            // The output schema is shared with `clearSchedule`, whose answer is null; this one's never is.
            if (set === null) throw new BookingApiError('UNEXPECTED_RESPONSE', 'The API answered a set schedule with null', 200);
            return set;
          }),
        /** The room takes any free range again; existing bookings stay. */
        clearSchedule: (roomId: number): Promise<void> =>
          attempt(async () => {
            await trpc.admin.rooms.clearSchedule.mutate({ room_id: roomId });
          }),
      },
      events: {
        /** One page of the event log, oldest first. */
        list: (query: ListEventsInput = {}): Promise<EventPage> => attempt(() => trpc.admin.events.list.query(query)),
        /** Every event matching the filters, following `next_cursor` page after page. */
        async *all(query: Omit<ListEventsInput, 'cursor'> = {}): AsyncGenerator<BookingEvent, void, undefined> {
          let cursor: string | undefined;
          do {
            const page = await attempt(() => trpc.admin.events.list.query({ ...query, cursor }));
            yield* page.events;
            cursor = page.next_cursor ?? undefined;
          } while (cursor);
        },
      },
      webhooks: {
        /** Starts delivering the listed event types to `url`. The answer's `secret` is shown this once: verify deliveries with it. */
        create: (webhook: CreateWebhookInput): Promise<WebhookWithSecret> => attempt(() => trpc.admin.webhooks.create.mutate(webhook)),
        /** Every endpoint (never their secrets). */
        list: (): Promise<Webhook[]> => attempt(async () => (await trpc.admin.webhooks.list.query()).webhooks),
        get: (webhookId: string): Promise<Webhook> =>
          attempt(async () => (await trpc.admin.webhooks.get.query({ webhook_id: webhookId })).webhook),
        /** Any of `url`, `events`, `enabled` and `description`; `enabled: true` resumes a disabled endpoint's pending deliveries. */
        update: (webhookId: string, changes: Omit<UpdateWebhookInput, 'webhook_id'>): Promise<Webhook> =>
          attempt(async () => (await trpc.admin.webhooks.update.mutate({ ...changes, webhook_id: webhookId })).webhook),
        /** Removes the endpoint and its delivery log; answers it as it was. */
        remove: (webhookId: string): Promise<Webhook> =>
          attempt(async () => (await trpc.admin.webhooks.remove.mutate({ webhook_id: webhookId })).webhook),
        /** A new secret, shown this once; for 24 hours deliveries carry a signature by each, so receivers switch without a gap. */
        rotateSecret: (webhookId: string): Promise<WebhookWithSecret> =>
          attempt(() => trpc.admin.webhooks.rotateSecret.mutate({ webhook_id: webhookId })),
        /** One page of the endpoint's delivery log, newest first, each delivery with its attempts. */
        deliveries: (webhookId: string, query: Omit<ListDeliveriesInput, 'webhook_id'> = {}): Promise<DeliveryPage> =>
          attempt(() => trpc.admin.webhooks.deliveries.query({ ...query, webhook_id: webhookId })),
        /** One more attempt at once, whatever the delivery's state; later events of its booking wait for it. */
        retryDelivery: (webhookId: string, deliveryId: number): Promise<Delivery> =>
          attempt(async () => (await trpc.admin.webhooks.retryDelivery.mutate({ webhook_id: webhookId, delivery_id: deliveryId })).delivery),
      },
      keys: {
        list: (): Promise<AdminKey[]> => attempt(async () => (await trpc.admin.keys.list.query()).keys),
        /** The answer's `secret` is shown this once; store it where the key will be used. */
        create: (name: string): Promise<CreatedAdminKey> => attempt(() => trpc.admin.keys.create.mutate({ name })),
        revoke: (keyId: string): Promise<AdminKey> => attempt(async () => (await trpc.admin.keys.revoke.mutate({ key_id: keyId })).key),
      },
    },
  };
}

export type BookingClient = ReturnType<typeof createBookingClient>;
