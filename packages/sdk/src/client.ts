import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type {
  AvailabilityInput,
  Booking,
  HoldInput,
  ListBookingsInput,
  Room,
} from '@escape-room/booking-core/contract';
import type { AppRouter } from '@escape-room/server/router';
import { toBookingApiError } from './errors.js';

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
}

export interface BookingPage {
  bookings: Booking[];
  /** Pass as `cursor` to get the next page; null on the last one. */
  next_cursor: string | null;
}

/** Runs one call and rethrows any failure as a BookingApiError. */
async function attempt<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toBookingApiError(error);
  }
}

/**
 * A typed client for every operation of the booking API. Calls made in the same tick are
 * batched into one HTTP request. Every failure is a `BookingApiError`.
 */
export function createBookingClient(options: BookingClientOptions) {
  const { adminKey, headers } = options;
  const trpc = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${options.baseUrl.replace(/\/+$/, '')}/trpc`,
        fetch: options.fetch,
        maxURLLength: 2000,
        async headers() {
          const extra = typeof headers === 'function' ? await headers() : (headers ?? {});
          return adminKey ? { ...extra, authorization: `Bearer ${adminKey}` } : extra;
        },
      }),
    ],
  });

  return {
    rooms: {
      list: (): Promise<Room[]> => attempt(async () => (await trpc.rooms.list.query()).rooms),
      get: (roomId: number): Promise<Room> => attempt(async () => (await trpc.rooms.get.query({ room_id: roomId })).room),
    },

    /** Rooms with no confirmed booking and no live hold overlapping `[start_date, end_date)`. */
    availability: (range: AvailabilityInput): Promise<Room[]> =>
      attempt(async () => (await trpc.rooms.availability.query(range)).rooms),

    bookings: {
      /** Holds a slot for the server's hold length; confirm or release it before `expires_at`. */
      hold: (request: HoldInput): Promise<Booking> => attempt(async () => (await trpc.bookings.hold.mutate(request)).booking),
      get: (bookingId: string): Promise<Booking> =>
        attempt(async () => (await trpc.bookings.get.query({ booking_id: bookingId })).booking),
      confirm: (bookingId: string): Promise<Booking> =>
        attempt(async () => (await trpc.bookings.confirm.mutate({ booking_id: bookingId })).booking),
      release: (bookingId: string): Promise<Booking> =>
        attempt(async () => (await trpc.bookings.release.mutate({ booking_id: bookingId })).booking),
      cancel: (bookingId: string): Promise<Booking> =>
        attempt(async () => (await trpc.bookings.cancel.mutate({ booking_id: bookingId })).booking),
    },

    admin: {
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
      },
    },
  };
}

export type BookingClient = ReturnType<typeof createBookingClient>;
