import { z } from 'zod';
import { multiLineText, singleLineText } from './text.js';
import { isWholeCents } from './money.js';
import { InstantOutput } from './time.js';
import { VISIBLE_ASCII } from './bookings.js';
import { ScheduleSchema } from './schedule.js';
import { PlayerCount, PricePerSchema, RoomId, RoomIdParam, roomFields, strictNumber } from './rooms.js';

/** A price in a JSON body: whole cents, strictly a number. */
const Money = strictNumber(
  z.number().nonnegative().max(1_000_000).refine(isWholeCents, 'A price has at most two decimals (whole cents)'),
).meta({ description: 'In the venue currency, with at most two decimals (whole cents)', example: 34.5 });

// ---- rooms ----------------------------------------------------------------------------------

export const AdminRoomSchema = z
  .object({
    ...roomFields,
    id: roomFields.id.meta({ example: 11 }),
    name: roomFields.name.meta({ example: 'The Lighthouse' }),
    description: roomFields.description.meta({ example: 'A storm, a keeper gone missing, 60 minutes.' }),
    price: roomFields.price.meta({ example: 34.5 }),
    archived_at: InstantOutput.nullable().meta({ description: 'When the room stopped taking holds; null while it is open' }),
  })
  .meta({ id: 'AdminRoom' });
export type AdminRoom = z.infer<typeof AdminRoomSchema>;

/** The longest reset a room may have between games. */
export const MAX_BUFFER_MINUTES = 24 * 60;

const PriceTierInput = z.object({ min_players: PlayerCount.meta({ example: 5 }), price: Money.meta({ example: 25 }) });
const PriceTiers = z
  .array(PriceTierInput)
  .max(20)
  .superRefine((tiers, ctx) => {
    tiers.forEach((tier, i) => {
      const previous = tiers[i - 1];
      if (previous && tier.min_players <= previous.min_players) {
        ctx.addIssue({ code: 'custom', path: [i, 'min_players'], message: 'Tiers go by strictly ascending min_players' });
      }
    });
  })
  .meta({ description: 'Lower prices for larger parties, by strictly ascending `min_players`' });

/** What a room's party limits must satisfy, wherever they are set. */
export function checkPartyLimits(room: { min_players?: number | undefined; max_players?: number | null | undefined }, ctx: z.RefinementCtx): void {
  if (room.min_players !== undefined && room.max_players != null && room.max_players < room.min_players) {
    ctx.addIssue({ code: 'custom', path: ['max_players'], message: 'max_players must be at least min_players' });
  }
}

/** The fields of a room that shape what a booking costs and blocks; all optional, each with its default. */
const roomTerms = {
  price_per: PricePerSchema,
  price_tiers: PriceTiers,
  min_players: PlayerCount.meta({ example: 2 }),
  max_players: PlayerCount.nullable().meta({ description: 'null: no upper limit', example: 6 }),
  buffer_minutes: strictNumber(z.number().int().min(0).max(MAX_BUFFER_MINUTES)).meta({ example: 15 }),
};

const RoomName = singleLineText({ min: 1, max: 200 }).meta({ example: 'The Lighthouse' });
const RoomDescription = multiLineText({ max: 2000 }).meta({ example: 'A storm, a keeper gone missing, 60 minutes.' });

const newRoomShape = {
  name: RoomName,
  description: RoomDescription.default(''),
  price: Money,
  price_per: roomTerms.price_per.default('booking'),
  price_tiers: roomTerms.price_tiers.default([]),
  min_players: roomTerms.min_players.default(1),
  max_players: roomTerms.max_players.default(null),
  buffer_minutes: roomTerms.buffer_minutes.default(0),
};

export const CreateRoomInput = z.object(newRoomShape).superRefine(checkPartyLimits);
export type CreateRoomInput = z.input<typeof CreateRoomInput>;
export type CreateRoomRequest = z.output<typeof CreateRoomInput>;

/** One room of data/rooms.json: a room as the venue creates it, with the id it keeps and, if it sells sessions, its schedule. */
export const RoomSeedSchema = z.object({ id: RoomId, ...newRoomShape, schedule: ScheduleSchema.optional() }).superRefine(checkPartyLimits);
export type RoomSeed = z.output<typeof RoomSeedSchema>;

export const UpdateRoomInput = z
  .object({
    room_id: RoomIdParam,
    name: RoomName.optional(),
    description: RoomDescription.optional(),
    price: Money.optional(),
    price_per: roomTerms.price_per.optional(),
    price_tiers: roomTerms.price_tiers.optional(),
    min_players: roomTerms.min_players.optional(),
    max_players: roomTerms.max_players.optional(),
    buffer_minutes: roomTerms.buffer_minutes.optional(),
  })
  .superRefine(checkPartyLimits);
export type UpdateRoomInput = z.input<typeof UpdateRoomInput>;
export type UpdateRoomRequest = z.output<typeof UpdateRoomInput>;

export const AdminRoomRef = z.object({ room_id: RoomIdParam });
export const AdminRoomOutput = z.object({ room: AdminRoomSchema });
export const AdminRoomsOutput = z.object({ rooms: z.array(AdminRoomSchema) });

// ---- API keys -------------------------------------------------------------------------------

export const AdminKeySchema = z
  .object({
    id: z.string().meta({ example: 'ak_7f3k2m9q' }),
    name: z.string().meta({ example: 'front desk laptop' }),
    created_at: InstantOutput,
    last_used_at: InstantOutput.nullable(),
    revoked_at: InstantOutput.nullable(),
  })
  .meta({ id: 'AdminKey' });
export type AdminKey = z.infer<typeof AdminKeySchema>;

export const CreateAdminKeyInput = z.object({ name: singleLineText({ min: 1, max: 100 }).meta({ example: 'front desk laptop' }) });
export type CreateAdminKeyInput = z.input<typeof CreateAdminKeyInput>;

export const CreatedAdminKeyOutput = z.object({
  key: AdminKeySchema,
  secret: z.string().meta({
    description: 'The key to send as `Authorization: Bearer …`. Shown once: only its hash is stored.',
    example: 'erk_ak_7f3k2m9q_Jb2…',
  }),
});
export type CreatedAdminKey = z.infer<typeof CreatedAdminKeyOutput>;

export const AdminKeyRef = z.object({ key_id: z.string().min(1).max(32).regex(VISIBLE_ASCII, 'visible ASCII characters only') });
export const AdminKeyOutput = z.object({ key: AdminKeySchema });
export const AdminKeysOutput = z.object({ keys: z.array(AdminKeySchema) });
