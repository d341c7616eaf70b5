import { TRPCClientError, createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import type { AppRouter } from '@escape-room/api/router';
import { describe, expect, it } from 'vitest';
import { testDrivers } from '@escape-room/test-utils';
import { useServer } from './support/use-server.js';
import { fixedHours } from './support/http.js';
import { TEST_ADMIN_KEY } from './support/server.js';

const { holdBody, slot } = fixedHours();

describe.each(testDrivers())('%s', (driver) => {
  const ctx = useServer({}, driver);

  const client = (headers: Record<string, string> = {}) =>
    createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${ctx.url}/trpc`, headers })] });

  /** The contract's code, as a tRPC client sees it in `error.data`. */
  async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
    const error = await promise.then(() => null, (e: unknown) => e);
    if (!(error instanceof TRPCClientError)) throw new Error(`expected a TRPCClientError, got ${String(error)}`);
    return (error.data as { code?: string } | undefined)?.code;
  }

  describe('tRPC procedures', () => {
    it('list and get rooms with the same shapes as REST', async () => {
      const trpc = client();
      const { rooms } = await trpc.rooms.list.query();
      expect(rooms).toHaveLength(10);
      expect((await trpc.rooms.get.query({ room_id: 2 })).room).toEqual(rooms[1]);
      expect(await codeOf(trpc.rooms.get.query({ room_id: 404 }))).toBe('ROOM_NOT_FOUND');
    });

    it('run the whole hold lifecycle, batching calls', async () => {
      const trpc = client();
      const { booking } = await trpc.bookings.hold.mutate(holdBody(1, 30));
      expect(booking.status).toBe('pending');
      const [read, confirmed] = await Promise.all([
        trpc.bookings.get.query({ booking_id: booking.id }),
        trpc.bookings.confirm.mutate({ booking_id: booking.id }),
      ]);
      expect(read.booking.id).toBe(booking.id);
      expect(confirmed.booking.status).toBe('confirmed');
      expect(await codeOf(trpc.bookings.release.mutate({ booking_id: booking.id }))).toBe('INVALID_STATE');
      expect((await trpc.bookings.cancel.mutate({ booking_id: booking.id })).booking.status).toBe('cancelled');
    });

    it('carry the contract code, status and field issues in error.data, never a stack', async () => {
      const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${ctx.url}/trpc` })] });
      const first = await trpc.bookings.hold.mutate(holdBody(2, 30));
      const error = await trpc.bookings.hold.mutate(holdBody(2, 30)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      const data = (error as TRPCClientError<AppRouter>).data;
      expect(data).toMatchObject({ code: 'SLOT_UNAVAILABLE', httpStatus: 409 });
      expect(JSON.stringify(data)).not.toMatch(/stack|node_modules/);

      const invalid = (await trpc.bookings.hold
        .mutate({ ...holdBody(2, 31), guest: { name: '', email: 'nope' } })
        .catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
      expect(invalid.data?.code).toBe('VALIDATION_ERROR');
      expect(invalid.data?.issues?.map((issue) => issue.path).sort()).toEqual(['guest.email', 'guest.name']);
      expect(first.booking.room_id).toBe(2);
    });

    it('answer availability and the admin listing like REST', async () => {
      const { booking } = await client().bookings.hold.mutate(holdBody(3, 32));
      const free = await client().rooms.availability.query(slot(32));
      expect(free.rooms.map((r) => r.id)).not.toContain(3);
      expect(free.rooms.map((r) => r.id)).toContain(4);
      expect(await codeOf(client().admin.listBookings.query({}))).toBe('UNAUTHORIZED');
      const page = await client({ authorization: `Bearer ${TEST_ADMIN_KEY}` }).admin.listBookings.query({ room_id: 3 });
      expect(page.bookings.map((b) => b.id)).toEqual([booking.id]);
    });
  });
});
