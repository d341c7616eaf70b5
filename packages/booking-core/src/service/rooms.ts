import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AdminRoom, AvailabilityQuery, CreateRoomRequest, Room as RoomDto, UpdateRoomRequest } from '../contract/index.js';
import { toCents } from '../contract/money.js';
import { formatInstant } from '../contract/time.js';
import { BookingError } from '../domain/errors.js';
import { Room } from '../db/entities.js';
import { sqlRunner } from '../db/sql.js';
import type { ServiceDeps } from './deps.js';
import * as bookingSql from '../db/booking-sql.js';
import * as roomSql from '../db/room-sql.js';
import type { RoomRow } from '../db/room-sql.js';
import { roomView, toRoomDto } from './serialize.js';
import { inTransaction } from './transaction.js';

/** Rooms the venue creates get ids from here up, clear of the small ids a rooms file uses. */
const FIRST_CREATED_ROOM_ID = 1001;

export const roomNotFound = (roomId: number) => new BookingError('ROOM_NOT_FOUND', `Room ${roomId} does not exist`);

function toAdminRoom(room: Room): AdminRoom {
  return { ...toRoomDto(room), archived_at: room.archivedAt == null ? null : formatInstant(room.archivedAt) };
}


const fromRoomRow = (row: RoomRow): RoomDto => toRoomDto(roomView(row));

// Guest-facing reads are the hot path: hand-written SQL straight into the wire format, with no
// query builder, entity hydration or identity map (the profile put those at 3x the query).

/** The rooms guests can book, archived ones left out. */
export async function listRooms({ db }: ServiceDeps): Promise<RoomDto[]> {
  const rows = await sqlRunner(db).all<RoomRow>(roomSql.openRooms());
  return rows.map(fromRoomRow);
}

/** One room, archived or not: bookings keep pointing at it. */
export async function getRoom({ db }: ServiceDeps, roomId: number): Promise<RoomDto> {
  const [row] = await sqlRunner(db).all<RoomRow>(roomSql.roomById(roomId));
  if (!row) throw roomNotFound(roomId);
  return fromRoomRow(row);
}

/** Open rooms with no confirmed booking and no live hold overlapping [start_date, end_date). */
export async function availableRooms({ db, clock }: ServiceDeps, query: AvailabilityQuery): Promise<RoomDto[]> {
  const slot = { start: query.start_date, end: query.end_date };
  const rows = await sqlRunner(db).all<RoomRow>(bookingSql.availableRooms(slot, clock.now()));
  return rows.map(fromRoomRow);
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
          priceCents: toCents(request.price),
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
    if (!room) throw roomNotFound(request.room_id);
    if (request.name !== undefined) room.name = request.name;
    if (request.description !== undefined) room.description = request.description;
    if (request.price !== undefined) room.priceCents = toCents(request.price);
    return toAdminRoom(room);
  });
}

/** Stops new holds on a room. Its bookings, live ones included, stay as they are. */
export async function archiveRoom({ db, clock }: ServiceDeps, roomId: number): Promise<AdminRoom> {
  return inTransaction(db, async (em) => {
    const room = await em.findOne(Room, roomId);
    if (!room) throw roomNotFound(roomId);
    room.archivedAt ??= clock.now();
    return toAdminRoom(room);
  });
}
