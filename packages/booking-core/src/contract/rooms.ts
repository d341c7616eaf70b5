import { z } from 'zod';

const MAX_ROOM_ID = 2_147_483_647;

/**
 * A number in a JSON body stays strictly a number. The REST adapter switches every plain
 * number schema of an input to coercion (so "1" or true would pass as 1), but leaves a pipe
 * alone: hence the pipe.
 */
export function strictNumber(schema: z.ZodNumber) {
  return schema.pipe(z.number());
}

/** A room id in a JSON body: a positive 32-bit integer, never a string or a boolean. */
export const RoomId = strictNumber(z.number().int().positive().max(MAX_ROOM_ID)).meta({ example: 2 });

/** A room id in a path or query string, where every value arrives as text. */
export const RoomIdParam = z.coerce.number().int().positive().max(MAX_ROOM_ID).meta({ example: 2 });

export const RoomSchema = z
  .object({
    id: z.number().int().positive().meta({ example: 2 }),
    name: z.string().meta({ example: 'Room 2' }),
    description: z.string().meta({ example: 'Escape room 2' }),
    price: z.number().meta({ description: 'Price per session, in the venue currency (exact to the cent)', example: 12.5 }),
  })
  .meta({ id: 'Room' });
export type Room = z.infer<typeof RoomSchema>;

export const ListRoomsOutput = z.object({ rooms: z.array(RoomSchema) });

export const GetRoomInput = z.object({ room_id: RoomIdParam });
export const GetRoomOutput = z.object({ room: RoomSchema });
