import type { Booking as BookingDto, Room as RoomDto } from '../contract/index.js';
import { fromCents } from '../contract/money.js';
import { formatInstant } from '../contract/time.js';
import type { BookingRow } from '../db/booking-sql.js';
import type { RoomRow } from '../db/room-sql.js';
import { effectiveStatus } from '../domain/status.js';
import type { BookingState } from '../domain/status.js';
import type { Booking, Guest, Room } from '../db/entities.js';

type RoomView = Pick<Room, 'id' | 'name' | 'description' | 'priceCents'>;

/** What a booking's wire form is made of: an entity, or the rows the hold path just wrote. */
export type BookingView = Pick<Booking, 'id' | 'startAt' | 'endAt' | 'createdAt'> &
  BookingState & { room: RoomView; guest: Pick<Guest, 'name' | 'email'> };

/** A stored room row in the shape the wire mappers take (money in cents either way). */
export const roomView = (row: RoomRow): RoomView => ({ id: row.id, name: row.name, description: row.description, priceCents: row.price_cents });

/** A room on the wire; money is stored in cents. Takes an entity or any row of the same shape. */
export function toRoomDto(room: RoomView): RoomDto {
  return { id: room.id, name: room.name, description: room.description, price: fromCents(room.priceCents) };
}

/** The wire form of a booking as seen at `now`: a lapsed hold reads `expired`. */
export function toBookingDto(booking: BookingView, now: number): BookingDto {
  const status = effectiveStatus(booking, now);
  return {
    id: booking.id,
    room_id: booking.room.id,
    status,
    start_date: formatInstant(booking.startAt),
    end_date: formatInstant(booking.endAt),
    created_at: formatInstant(booking.createdAt),
    expires_at: status === 'pending' && booking.expiresAt != null ? formatInstant(booking.expiresAt) : null,
    guest: { name: booking.guest.name, email: booking.guest.email },
    room: toRoomDto(booking.room),
  };
}

/** A joined booking row as the wire mappers take it. */
export function fromBookingRow(row: BookingRow): BookingView {
  return {
    id: row.id,
    status: row.status,
    startAt: Number(row.start_at),
    endAt: Number(row.end_at),
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    room: roomView({ id: row.room_id, name: row.room_name, description: row.room_description, price_cents: row.room_price_cents }),
    guest: { name: row.guest_name, email: row.guest_email },
  };
}
