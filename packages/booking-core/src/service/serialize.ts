import type { Booking as BookingDto, Room as RoomDto } from '../contract/index.js';
import { formatInstant } from '../contract/time.js';
import { effectiveStatus } from '../domain/status.js';
import type { BookingState } from '../domain/status.js';
import type { Booking, Guest, Room } from '../db/entities.js';

type RoomView = Pick<Room, 'id' | 'name' | 'description' | 'priceCents'>;

/** What a booking's wire form is made of: an entity, or the rows the hold path just wrote. */
export type BookingView = Pick<Booking, 'id' | 'startAt' | 'endAt' | 'createdAt'> &
  BookingState & { room: RoomView; guest: Pick<Guest, 'name' | 'email'> };

/** A room on the wire; money is stored in cents. Takes an entity or any row of the same shape. */
export function toRoomDto(room: RoomView): RoomDto {
  return { id: room.id, name: room.name, description: room.description, price: room.priceCents / 100 };
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
