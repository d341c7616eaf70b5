import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AdminRoom, AvailabilityQuery, CreateRoomRequest, Room as RoomDto, UpdateRoomRequest } from '../contract/index.js';
import { formatInstant } from '../contract/time.js';
import { BookingError } from '../domain/errors.js';
import { Booking, Room } from '../db/entities.js';
import type { ServiceDeps } from './deps.js';
import { blockingOverlap } from './overlap.js';
import { toRoomDto } from './serialize.js';
import { inTransaction } from './transaction.js';
import type { Database } from '../db/orm.js';
import type { Interval } from '../domain/interval.js';

/** Rooms the venue creates get ids from here up, clear of the small ids a rooms file uses. */
const FIRST_CREATED_ROOM_ID = 1001;

const notFound = (roomId: number) => new BookingError('ROOM_NOT_FOUND', `Room ${roomId} does not exist`);
const open = { archivedAt: null };

function toAdminRoom(room: Room): AdminRoom {
  return { ...toRoomDto(room), archived_at: room.archivedAt == null ? null : formatInstant(room.archivedAt) };
}

type RoomRow = { id: number; name: string; description: string; price_cents: number };

// Guest-facing reads are the hot path: plain rows straight into the wire format, with no
// entity hydration or identity map (profiling showed the ORM's find at 3x the raw query).
const fromRow = (row: RoomRow): RoomDto => toRoomDto({ ...row, priceCents: row.price_cents });

/** The rooms guests can book, archived ones left out. */
export async function listRooms({ db }: ServiceDeps): Promise<RoomDto[]> {
  const rows = await db.em.fork().createQueryBuilder(Room).select('*').where(open).orderBy({ id: 'asc' }).execute<RoomRow[]>('all', false);
  return rows.map(fromRow);
}

/** One room, archived or not: bookings keep pointing at it. */
export async function getRoom({ db }: ServiceDeps, roomId: number): Promise<RoomDto> {
  const room = await db.em.fork().findOne(Room, roomId);
  if (!room) throw notFound(roomId);
  return toRoomDto(room);
}

/**
 * The availability query, in one round trip: open rooms minus those with a blocking
 * booking (an index range per room). Exported so the benchmark can EXPLAIN the very query.
 */
export function availabilityQuery(db: Database, slot: Interval, now: number) {
  const em = db.em.fork();
  const taken = em.createQueryBuilder(Booking).select('room_id').where(blockingOverlap(slot, now));
  return em
    .createQueryBuilder(Room)
    .select('*')
    .where({ ...open, id: { $nin: taken.getKnexQuery() } })
    .orderBy({ id: 'asc' });
}

/** Open rooms with no confirmed booking and no live hold overlapping [start_date, end_date). */
export async function availableRooms({ db, clock }: ServiceDeps, query: AvailabilityQuery): Promise<RoomDto[]> {
  const slot = { start: query.start_date, end: query.end_date };
  const rows = await availabilityQuery(db, slot, clock.now()).execute<RoomRow[]>('all', false);
  return rows.map(fromRow);
}

export async function listAllRooms({ db }: ServiceDeps): Promise<AdminRoom[]> {
  const rooms = await db.em.fork().find(Room, {}, { orderBy: { id: 'asc' } });
  return rooms.map(toAdminRoom);
}

export async function createRoom({ db }: ServiceDeps, request: CreateRoomRequest): Promise<AdminRoom> {
  // Two admins creating at once may pick the same next id: the loser simply tries again.
  for (let attempt = 0; ; attempt++) {
    try {
      return await inTransaction(db, async (em) => {
        const [highest] = await em.find(Room, {}, { orderBy: { id: 'desc' }, limit: 1 });
        const id = Math.max(FIRST_CREATED_ROOM_ID, (highest?.id ?? 0) + 1);
        const room = em.create(Room, {
          id,
          name: request.name,
          description: request.description,
          priceCents: Math.round(request.price * 100),
          archivedAt: null,
        });
        return toAdminRoom(room);
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException) || attempt >= 5) throw error;
    }
  }
}

export async function updateRoom({ db }: ServiceDeps, request: UpdateRoomRequest): Promise<AdminRoom> {
  return inTransaction(db, async (em) => {
    const room = await em.findOne(Room, request.room_id);
    if (!room) throw notFound(request.room_id);
    if (request.name !== undefined) room.name = request.name;
    if (request.description !== undefined) room.description = request.description;
    if (request.price !== undefined) room.priceCents = Math.round(request.price * 100);
    return toAdminRoom(room);
  });
}

/** Stops new holds on a room. Its bookings, live ones included, stay as they are. */
export async function archiveRoom({ db, clock }: ServiceDeps, roomId: number): Promise<AdminRoom> {
  return inTransaction(db, async (em) => {
    const room = await em.findOne(Room, roomId);
    if (!room) throw notFound(roomId);
    room.archivedAt ??= clock.now();
    return toAdminRoom(room);
  });
}
