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

/** The largest party any room may take or a request may name. */
export const MAX_PARTY = 1000;
/** A party size in a JSON body. */
export const PlayerCount = strictNumber(z.number().int().min(1).max(MAX_PARTY));

/** A room id in a JSON body: a positive 32-bit integer, never a string or a boolean. */
export const RoomId = strictNumber(z.number().int().positive().max(MAX_ROOM_ID)).meta({ example: 2 });

/** A room id in a path or query string, where every value arrives as text. */
export const RoomIdParam = z.coerce.number().int().positive().max(MAX_ROOM_ID).meta({ example: 2 });

export const PRICE_PER = ['booking', 'player'] as const;
export const PricePerSchema = z.enum(PRICE_PER).meta({
  id: 'PricePer',
  description: '`booking`: `price` is the whole party\'s; `player`: `price` is each player\'s',
});
export type PricePer = z.infer<typeof PricePerSchema>;

export const PriceTierSchema = z
  .object({
    min_players: z.number().int().positive().meta({ example: 5 }),
    price: z.number().meta({ example: 25 }),
  })
  .meta({ id: 'PriceTier', description: 'From this party size up, `price` replaces the room\'s (per player or per booking, as `price_per` says)' });
export type PriceTier = z.infer<typeof PriceTierSchema>;

/** The fields a room shows guests and the venue alike. */
export const roomFields = {
  id: z.number().int().positive().meta({ example: 2 }),
  name: z.string().meta({ example: 'Room 2' }),
  description: z.string().meta({ example: 'Escape room 2' }),
  price: z.number().meta({ description: 'In the venue currency, exact; per booking or per player as `price_per` says', example: 12.5 }),
  price_per: PricePerSchema,
  price_tiers: z.array(PriceTierSchema).meta({ description: 'Lower prices for larger parties, by ascending `min_players`' }),
  min_players: z.number().int().positive().meta({ example: 2 }),
  max_players: z.number().int().positive().nullable().meta({ description: 'null: no upper limit', example: 6 }),
  buffer_minutes: z.number().int().nonnegative().meta({ description: 'Reset time after each game: a booking keeps the room this much longer', example: 15 }),
  scheduled: z.boolean().meta({ description: 'True when the room sells fixed sessions (see its schedule); false: any free range' }),
};

export const RoomSchema = z.object(roomFields).meta({ id: 'Room' });
export type Room = z.infer<typeof RoomSchema>;

export const ListRoomsOutput = z.object({ rooms: z.array(RoomSchema) });

export const GetRoomInput = z.object({ room_id: RoomIdParam });
export const GetRoomOutput = z.object({ room: RoomSchema });
