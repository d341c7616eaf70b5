import type { Statement } from './sql.js';

// The statements the hot paths run on `room`: constant texts, prepared once per connection.

/** The columns of a room on the wire, as the hot paths read them. */
export const ROOM_COLUMNS = 'id, name, description, price_cents';
export interface RoomRow { id: number; name: string; description: string; price_cents: number }
/** What `roomForHold` reads: the room, and whether it is archived. */
export interface HoldRoomRow extends RoomRow { archived_at: unknown }

const OPEN_ROOMS = `select ${ROOM_COLUMNS} from room where archived_at is null order by id`;
const BY_ID = `select ${ROOM_COLUMNS} from room where id = ?`;
const FOR_HOLD = `select ${ROOM_COLUMNS}, archived_at from room where id = ?`;

/** The rooms guests can book, archived ones left out. */
export const openRooms = (): Statement => ({ text: OPEN_ROOMS, params: [] });
/** One room, archived or not. */
export const roomById = (roomId: number): Statement => ({ text: BY_ID, params: [roomId] });
/**
 * The room a hold is for, with whether it is archived. `forUpdate` (PostgreSQL) makes holds on
 * one room take turns on its row until their transaction ends.
 */
export const roomForHold = (roomId: number, forUpdate: string): Statement => ({
  text: forUpdate ? `${FOR_HOLD}${forUpdate}` : FOR_HOLD,
  params: [roomId],
});
