import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BOOKING_STATUSES } from '../contract/bookings.js';
import { PRICE_PER } from '../contract/rooms.js';
import { EVENT_TYPES } from '../contract/events.js';
import { DELIVERY_STATUSES, DISABLED_REASONS } from '../contract/webhooks.js';
import { EMAIL_STATUSES } from '../domain/mail-policy.js';

// Times are stored as epoch milliseconds (64-bit integers): exact, zone-free, and cheap to
// compare in the range predicates that guard against double booking.
//
// These describe the schema the migrations build, indexes and constraints included (by their
// names in the migrations), so MikroORM's schema comparison finds nothing to change and a
// generated migration never drops the hot-path indexes. schema-drift.test.ts keeps it so. The
// guard triggers, the booking_extent and the catalog_version triggers are frozen in the migrations, not here.

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

/**
 * How many committed changes the catalog (venue, rooms, schedules) has seen (one row), kept by
 * triggers on those tables; each process's catalog cache compares it before serving.
 * Only the database writes it (see the catalog_version migrations).
 */
const CatalogVersion = defineEntity({
  name: 'CatalogVersion',
  tableName: 'catalog_version',
  properties: {
    id: p.integer().primary().autoincrement(false),
    version: p.bigint('number'),
  },
  checks: [{ name: 'catalog_version_id_check', expression: 'id = 1' }],
});

/**
 * One change of a booking (the transactional outbox): written in the transaction that makes the
 * change, kept for the retention period. `seq` orders events as they were committed per booking
 * (each change of a booking waits for the previous one's row lock), and pages the log.
 */
export const Event = defineEntity({
  name: 'Event',
  tableName: 'event',
  properties: {
    seq: p.bigint('number').primary(),
    /** 128 random bits: unique without an index to say so (a random-key index costs every hold a page write). */
    id: p.string().length(64),
    type: p.enum([...EVENT_TYPES]),
    bookingId: p.string().length(64),
    createdAt: p.bigint('number'),
    /** The event exactly as the API shows it and webhooks deliver it (JSON). */
    payload: p.text(),
  },
  indexes: [
    { name: 'event_booking_idx', properties: ['bookingId', 'seq'] },
    { name: 'event_type_idx', properties: ['type', 'seq'] },
    { name: 'event_created_idx', properties: 'createdAt' },
  ],
});
export type Event = InferEntity<typeof Event>;

/** A webhook endpoint. The secret must sign, so it is stored as issued; only the admin API reaches it. */
export const Webhook = defineEntity({
  name: 'Webhook',
  tableName: 'webhook',
  properties: {
    id: p.string().primary().length(32),
    url: p.string().length(2000),
    description: p.string().length(500).default(''),
    secret: p.string().length(64),
    /** After a rotation, the previous secret signs too until previousSecretUntil. */
    previousSecret: p.string().length(64).nullable(),
    previousSecretUntil: p.bigint('number').nullable(),
    /** null while enabled. */
    disabledAt: p.bigint('number').nullable(),
    disabledReason: p.enum([...DISABLED_REASONS]).nullable(),
    /** Since when every attempt to this endpoint has failed; null after a success. */
    failingSince: p.bigint('number').nullable(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
});
export type Webhook = InferEntity<typeof Webhook>;

/** Which event types an endpoint receives: one row per type, so fanning an event out is one indexed insert. */
export const WebhookSubscription = defineEntity({
  name: 'WebhookSubscription',
  tableName: 'webhook_subscription',
  properties: {
    eventType: p.enum([...EVENT_TYPES]).primary(),
    webhook: () => p.manyToOne(Webhook).primary().deleteRule('cascade').foreignKeyName('webhook_subscription_webhook_id_fkey'),
  },
});

/**
 * One event owed to one endpoint. Pending ones are claimed under a lease (leasedBy, leaseUntil)
 * by one instance at a time; a lease that ran out is anyone's again.
 */
export const Delivery = defineEntity({
  name: 'Delivery',
  tableName: 'delivery',
  properties: {
    id: p.bigint('number').primary(),
    webhook: () => p.manyToOne(Webhook).deleteRule('cascade').foreignKeyName('delivery_webhook_id_fkey'),
    event: () => p.manyToOne(Event).fieldName('event_seq').deleteRule('cascade').foreignKeyName('delivery_event_seq_fkey'),
    /** The event's booking, copied so the per-booking order check stays on this table. */
    bookingId: p.string().length(64),
    status: p.enum([...DELIVERY_STATUSES]),
    attempts: p.integer().default(0),
    nextAttemptAt: p.bigint('number').nullable(),
    leaseUntil: p.bigint('number').nullable(),
    leasedBy: p.string().length(64).nullable(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
  indexes: [
    // The claim walks it in its own order and stops at its limit, however long the backlog.
    { name: 'delivery_due_idx', properties: ['nextAttemptAt', 'event'], where: { status: 'pending' } },
    { name: 'delivery_order_idx', properties: ['webhook', 'bookingId', 'event'], where: { status: 'pending' } },
    { name: 'delivery_lease_idx', properties: 'leasedBy' },
    { name: 'delivery_webhook_idx', properties: ['webhook', 'id'] },
    { name: 'delivery_event_idx', properties: 'event' },
  ],
});
export type Delivery = InferEntity<typeof Delivery>;

/** Each attempt of a delivery, for the delivery log. */
export const DeliveryAttempt = defineEntity({
  name: 'DeliveryAttempt',
  tableName: 'delivery_attempt',
  properties: {
    id: p.bigint('number').primary(),
    delivery: () => p.manyToOne(Delivery).deleteRule('cascade').foreignKeyName('delivery_attempt_delivery_id_fkey'),
    attemptedAt: p.bigint('number'),
    statusCode: p.integer().nullable(),
    durationMs: p.integer(),
    error: p.string().length(1000).nullable(),
    responseBody: p.text().nullable(),
  },
  indexes: [{ name: 'delivery_attempt_delivery_idx', properties: ['delivery', 'id'] }],
});

/**
 * A guest email owed for one event (a confirmation or a cancellation), claimed under a lease
 * like a delivery. The venue's name and time zone are copied when the event is recorded, so
 * every attempt renders the same email.
 */
export const Email = defineEntity({
  name: 'Email',
  tableName: 'email',
  properties: {
    id: p.bigint('number').primary(),
    event: () => p.manyToOne(Event).fieldName('event_seq').deleteRule('cascade').foreignKeyName('email_event_seq_fkey'),
    /** The event's booking, copied so the per-booking order check stays on this table. */
    bookingId: p.string().length(64),
    venueName: p.string().length(200),
    timezone: p.string().length(64),
    status: p.enum([...EMAIL_STATUSES]),
    attempts: p.integer().default(0),
    nextAttemptAt: p.bigint('number').nullable(),
    leaseUntil: p.bigint('number').nullable(),
    leasedBy: p.string().length(64).nullable(),
    /** Why the last attempt failed; null once sent. */
    lastError: p.string().length(1000).nullable(),
    sentAt: p.bigint('number').nullable(),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
  indexes: [
    { name: 'email_due_idx', properties: ['nextAttemptAt', 'event'], where: { status: 'pending' } },
    { name: 'email_order_idx', properties: ['bookingId', 'event'], where: { status: 'pending' } },
    { name: 'email_lease_idx', properties: 'leasedBy' },
    { name: 'email_event_idx', properties: 'event' },
  ],
});
export type Email = InferEntity<typeof Email>;

export const entities = [Room, Guest, Booking, IdempotencyKey, AdminKey, Venue, BookingExtent, CatalogVersion, Event, Webhook, WebhookSubscription, Delivery, DeliveryAttempt, Email];
