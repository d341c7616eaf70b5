import type { Booking as BookingDto, PriceTier, Room as RoomDto, Venue } from '../contract/index.js';
import { fromCents, toCents } from '../contract/money.js';
import { formatInstant } from '../contract/time.js';
import type { BookingRow } from '../db/booking-sql.js';
import { optionalNumber } from '../db/sql.js';
import type { PrefixedRoomRow, RoomRow } from '../db/room-sql.js';
import { totalCents, type PartyLimits, type PriceTerms } from '../domain/pricing.js';
import { effectiveStatus, type BookingState } from '../domain/status.js';
import { cancellableUntil } from '../domain/venue-policy.js';
import { venueClock } from '../domain/zoned.js';

/** A room as the rules and the wire mappers take it: money in hundredths, tiers parsed. */
export interface RoomView extends PriceTerms, PartyLimits {
  id: number;
  name: string;
  description: string;
  bufferMinutes: number;
  scheduled: boolean;
}

/** price_tiers as stored: JSON, ascending by min_players, amounts in hundredths. */
interface StoredTier {
  min_players: number;
  price_cents: number;
}
/** Tiers as the wire gives them, in the stored form. */
export const storeTiers = (tiers: readonly PriceTier[]): string =>
  JSON.stringify(tiers.map((t): StoredTier => ({ min_players: t.min_players, price_cents: toCents(t.price) })));
export const parseTiers = (json: string) => (JSON.parse(json) as StoredTier[]).map((t) => ({ minPlayers: t.min_players, priceCents: t.price_cents }));

/** A stored room row in the shape the rules take. */
export function roomView(row: RoomRow): RoomView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    priceCents: row.price_cents,
    pricePer: row.price_per,
    tiers: parseTiers(row.price_tiers),
    minPlayers: row.min_players,
    maxPlayers: row.max_players,
    bufferMinutes: row.buffer_minutes,
    scheduled: Boolean(row.scheduled),
  };
}

/** A room on the wire. */
export function toRoomDto(room: RoomView): RoomDto {
  return {
    id: room.id,
    name: room.name,
    description: room.description,
    price: fromCents(room.priceCents),
    price_per: room.pricePer,
    price_tiers: room.tiers.map((t) => ({ min_players: t.minPlayers, price: fromCents(t.priceCents) })),
    min_players: room.minPlayers,
    max_players: room.maxPlayers,
    buffer_minutes: room.bufferMinutes,
    scheduled: room.scheduled,
  };
}

/** What a booking's wire form is made of: a stored row, or what the hold path just wrote. */
export interface BookingView extends BookingState {
  id: string;
  createdAt: number;
  players: number;
  /** Locked at hold time; null on bookings older than locked prices (they read the room's price). */
  totalCents: number | null;
  currency: string | null;
  reference: string;
  room: RoomView;
  guest: { name: string; email: string };
}

/** The wire form of a booking as seen at `now`, in the venue's time zone: a lapsed hold reads `expired`. */
export function toBookingDto(booking: BookingView, now: number, venue: Venue): BookingDto {
  const status = effectiveStatus(booking, now);
  const clock = venueClock(venue.timezone);
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
    reference: booking.reference,
    players: booking.players,
    price: {
      total: fromCents(booking.totalCents ?? totalCents(booking.room, booking.players)),
      currency: booking.currency ?? venue.currency,
    },
    local_start: clock.format(booking.startAt),
    local_end: clock.format(booking.endAt),
    cancellable_until: formatInstant(cancellableUntil(booking.startAt, venue)),
  };
}

const roomOfRow = (row: PrefixedRoomRow<'room_'>): RoomRow => ({
  id: row.room_id,
  name: row.room_name,
  description: row.room_description,
  price_cents: row.room_price_cents,
  price_per: row.room_price_per,
  price_tiers: row.room_price_tiers,
  min_players: row.room_min_players,
  max_players: row.room_max_players,
  buffer_minutes: row.room_buffer_minutes,
  scheduled: row.room_scheduled,
});

/** A joined booking row as the wire mappers take it. */
export function fromBookingRow(row: BookingRow): BookingView {
  return {
    id: row.id,
    status: row.status,
    startAt: Number(row.start_at),
    endAt: Number(row.end_at),
    createdAt: Number(row.created_at),
    expiresAt: optionalNumber(row.expires_at),
    players: row.players,
    totalCents: optionalNumber(row.total_cents),
    currency: row.currency,
    reference: row.reference,
    room: roomView(roomOfRow(row)),
    guest: { name: row.guest_name, email: row.guest_email },
  };
}
