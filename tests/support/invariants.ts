import { expect } from 'vitest';
import { call } from './http.js';
import { TEST_ADMIN_KEY } from './server.js';

export interface ListedBooking { id: string; room_id: number; status: string; start_date: string; end_date: string }

/** Every booking in the database, read through the admin listing page after page. */
export async function everyBooking(url: string): Promise<ListedBooking[]> {
  const all: ListedBooking[] = [];
  let cursor = '';
  do {
    const page = await call(url, 'GET', `/api/v1/bookings?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    expect(page.status).toBe(200);
    all.push(...page.body.bookings);
    cursor = page.body.next_cursor ?? '';
  } while (cursor);
  return all;
}

/** Fails if two live (pending or confirmed) bookings of one room overlap. */
export function expectNoDoubleBooking(bookings: ListedBooking[]): void {
  const live = bookings.filter((b) => b.status === 'pending' || b.status === 'confirmed');
  for (const a of live) {
    for (const b of live) {
      if (a.id < b.id && a.room_id === b.room_id) {
        const overlap = Date.parse(a.start_date) < Date.parse(b.end_date) && Date.parse(b.start_date) < Date.parse(a.end_date);
        expect(overlap, `${a.id} and ${b.id} overlap in room ${a.room_id}`).toBe(false);
      }
    }
  }
}
