import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BOOKING_STATUSES } from '../contract/bookings.js';
import { PRICE_PER } from '../contract/rooms.js';

// Times are stored as epoch milliseconds (64-bit integers): exact, zone-free, and cheap to
// compare in the range predicates that guard against double booking.
//
// These describe the schema the migrations build, indexes and constraints included (by their
// names in the migrations), so MikroORM's schema comparison finds nothing to change and a
// generated migration never drops the hot-path indexes. schema-drift.test.ts keeps it so. The
// guard triggers and the booking_extent triggers are frozen in the migrations, not here.

export const Room = defineEntity({
  name: 'Room',
  tableName: 'room',
  properties: {
    id: p.integer().primary().autoincrement(false),
    name: p.string().length(200),
    description: p.text(),
    /** Money stays exact: integer cents, never a float. */
    priceCents: p.integer(),
    /** An archived room takes no new holds but keeps its bookings. */
    archivedAt: p.bigint('number').nullable(),
    minPlayers: p.integer().default(1),
    /** null: no upper limit. */
    maxPlayers: p.integer().nullable(),
    pricePer: p.enum([...PRICE_PER]).default('booking'),
    /** JSON: [{ "min_players": 5, "price_cents": 2500 }], ascending. */
    priceTiers: p.text().default('[]'),
    bufferMinutes: p.integer().default(0),
    /** JSON: the schedule as the contract has it; null when the room takes any free range. */
    schedule: p.text().nullable(),
  },
  checks: [
    { name: 'room_price_cents_check', expression: 'price_cents >= 0' },
    { name: 'room_min_players_check', expression: 'min_players >= 1' },
    { name: 'room_max_players_check', expression: 'max_players >= min_players' },
    { name: 'room_buffer_minutes_check', expression: 'buffer_minutes >= 0 AND buffer_minutes <= 1440' },
  ],
});
export type Room = InferEntity<typeof Room>;

export const Guest = defineEntity({
  name: 'Guest',
  tableName: 'guest',
  properties: {
    id: p.integer().primary(),
    /** The address as the guest last typed it. */
    email: p.string().length(254),
    /** Lower-cased address: one guest record per address, whatever its case. */
    emailKey: p.string().length(254),
    name: p.string().length(200),
    createdAt: p.bigint('number'),
  },
  uniques: [{ name: 'guest_email_key_key', properties: 'emailKey' }],
});
export type Guest = InferEntity<typeof Guest>;

export const Booking = defineEntity({
  name: 'Booking',
  tableName: 'booking',
  properties: {
    id: p.string().primary().length(64),
    room: () => p.manyToOne(Room).eager().foreignKeyName('booking_room_id_fkey'),
    guest: () => p.manyToOne(Guest).eager().foreignKeyName('booking_guest_id_fkey'),
    status: p.enum([...BOOKING_STATUSES]),
    startAt: p.bigint('number'),
    endAt: p.bigint('number'),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
    expiresAt: p.bigint('number').nullable(),
    players: p.integer().default(1),
    /** The room's reset when the hold was placed: the booking blocks [startAt, endAt + bufferMs). */
    bufferMs: p.bigint('number').defaultRaw('0'),
    /** Locked when the hold was placed, in hundredths of `currency`; null on bookings older than prices. */
    totalCents: p.bigint('number').nullable(),
    currency: p.string().length(3).nullable(),
    /** Always set (an insert without one gets a random one from the database). */
    reference: p
      .string()
      .length(8)
      .nullable()
      .unique('booking_reference_key')
      .defaultRaw("upper(translate(substr(md5((random())::text), 1, 8), '01'::text, 'wx'::text))"),
  },
  indexes: [
    // The overlap probes' covering indexes (PostgreSQL: INCLUDE; SQLite: trailing key columns).
    { name: 'booking_room_span_idx', properties: ['room', 'startAt'], include: ['endAt', 'bufferMs', 'status', 'expiresAt'] },
    { name: 'booking_span_idx', properties: ['startAt', 'id'], include: ['endAt', 'bufferMs', 'room', 'status', 'expiresAt'] },
    { name: 'booking_guest_idx', properties: 'guest' },
    { name: 'booking_pending_expiry_idx', properties: 'expiresAt', where: { status: 'pending' } },
  ],
  checks: [
    { name: 'booking_check', expression: 'end_at > start_at' },
    { name: 'booking_check1', expression: 'end_at - start_at <= 86400000' },
    { name: 'booking_check2', expression: "(status = 'pending') = (expires_at is not null)" },
    { name: 'booking_players_check', expression: 'players >= 1' },
    { name: 'booking_buffer_ms_check', expression: 'buffer_ms >= 0 AND buffer_ms <= 86400000' },
    { name: 'booking_total_cents_check', expression: 'total_cents >= 0' },
    // PostgreSQL's guard against double booking, as the server spells it back (SQLite's are triggers).
    {
      name: 'booking_no_overlap_blocked',
      expression:
        "EXCLUDE USING gist (room_id WITH =, int8range(start_at, (end_at + buffer_ms), '[)'::text) WITH &&) WHERE ((status = ANY (ARRAY['pending'::text, 'confirmed'::text])))",
    },
  ],
});
export type Booking = InferEntity<typeof Booking>;

/** A hold request's idempotency key and, once it is done, the answer to replay. */
export const IdempotencyKey = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_key',
  properties: {
    key: p.string().primary().length(255),
    requestHash: p.string().length(64),
    state: p.enum(['in_flight', 'done'] as const),
    response: p.text().nullable(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
  indexes: [{ name: 'idempotency_key_created_idx', properties: 'createdAt' }],
});
export type IdempotencyKey = InferEntity<typeof IdempotencyKey>;

/** An admin API key: the secret itself is never stored, only its SHA-256. */
export const AdminKey = defineEntity({
  name: 'AdminKey',
  tableName: 'admin_key',
  properties: {
    id: p.string().primary().length(32),
    name: p.string().length(100),
    secretHash: p.string().length(64),
    createdAt: p.bigint('number'),
    lastUsedAt: p.bigint('number').nullable(),
    revokedAt: p.bigint('number').nullable(),
  },
});
export type AdminKey = InferEntity<typeof AdminKey>;

/** The venue's settings: one row (id 1), written by data/venue.json on a fresh install and by the admin API after. */
export const Venue = defineEntity({
  name: 'Venue',
  tableName: 'venue',
  properties: {
    id: p.integer().primary().autoincrement(false),
    name: p.string().length(200),
    timezone: p.string().length(64),
    currency: p.string().length(3),
    minNoticeMinutes: p.integer(),
    horizonDays: p.integer().nullable(),
    cancellationCutoffHours: p.integer(),
    updatedAt: p.bigint('number'),
  },
  checks: [
    { name: 'venue_id_check', expression: 'id = 1' },
    { name: 'venue_min_notice_minutes_check', expression: 'min_notice_minutes >= 0' },
    { name: 'venue_horizon_days_check', expression: 'horizon_days >= 1' },
    { name: 'venue_cancellation_cutoff_hours_check', expression: 'cancellation_cutoff_hours >= 0' },
  ],
});
export type Venue = InferEntity<typeof Venue>;

/**
 * The longest blocked interval ever stored (booking plus reset, one row), kept by triggers;
 * overlap probes look back by it.
 * Only the database writes it (see the booking_extent migrations).
 */
const BookingExtent = defineEntity({
  name: 'BookingExtent',
  tableName: 'booking_extent',
  properties: {
    id: p.integer().primary().autoincrement(false),
    longestMs: p.bigint('number'),
  },
  checks: [{ name: 'booking_extent_id_check', expression: 'id = 1' }],
});

export const entities = [Room, Guest, Booking, IdempotencyKey, AdminKey, Venue, BookingExtent];
