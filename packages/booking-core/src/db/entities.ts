import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { BOOKING_STATUSES } from '../contract/bookings.js';

// Times are stored as epoch milliseconds (64-bit integers): exact, zone-free, and cheap to
// compare in the range predicates that guard against double booking.

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
  },
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
    emailKey: p.string().length(254).unique(),
    name: p.string().length(200),
    createdAt: p.bigint('number'),
  },
});
export type Guest = InferEntity<typeof Guest>;

export const Booking = defineEntity({
  name: 'Booking',
  tableName: 'booking',
  properties: {
    id: p.string().primary().length(64),
    room: () => p.manyToOne(Room).eager(),
    guest: () => p.manyToOne(Guest).eager(),
    status: p.enum([...BOOKING_STATUSES]),
    startAt: p.bigint('number'),
    endAt: p.bigint('number'),
    createdAt: p.bigint('number'),
    updatedAt: p.bigint('number'),
    expiresAt: p.bigint('number').nullable(),
  },
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

export const entities = [Room, Guest, Booking, IdempotencyKey, AdminKey];
