import type { AvailabilityQuery, Room as RoomDto } from '../contract/index.js';
import { BookingError } from '../domain/errors.js';
import { Booking, Room } from '../db/entities.js';
import type { ServiceDeps } from './deps.js';
import { blockingOverlap } from './overlap.js';
import { toRoomDto } from './serialize.js';

export async function listRooms({ db }: ServiceDeps): Promise<RoomDto[]> {
  const rooms = await db.em.fork().find(Room, {}, { orderBy: { id: 'asc' } });
  return rooms.map(toRoomDto);
}

export async function getRoom({ db }: ServiceDeps, roomId: number): Promise<RoomDto> {
  const room = await db.em.fork().findOne(Room, roomId);
  if (!room) throw new BookingError('ROOM_NOT_FOUND', `Room ${roomId} does not exist`);
  return toRoomDto(room);
}

/** Rooms with no confirmed booking and no live hold overlapping [start_date, end_date). */
export async function availableRooms({ db, clock }: ServiceDeps, query: AvailabilityQuery): Promise<RoomDto[]> {
  const em = db.em.fork();
  const slot = { start: query.start_date, end: query.end_date };
  const taken = await em
    .createQueryBuilder(Booking)
    .select('room_id', true)
    .where(blockingOverlap(slot, clock.now()))
    .execute<{ room_id: number }[]>('all', false);
  const takenIds = new Set(taken.map((row) => row.room_id));
  const rooms = await em.find(Room, {}, { orderBy: { id: 'asc' } });
  return rooms.filter((room) => !takenIds.has(room.id)).map(toRoomDto);
}
