import { z } from 'zod';
import { InstantOutput } from './time.js';
import { VISIBLE_ASCII } from './bookings.js';
import { RoomIdParam, strictNumber } from './rooms.js';

/**
 * True when a price is a whole number of cents. Not `multipleOf(0.01)`: in binary floating
 * point 19.99 / 0.01 is not an integer, so zod and JSON-Schema validators alike refuse it.
 * The tolerance is far below a cent and far above the error of multiplying a 7-digit price.
 */
export function isWholeCents(price: number): boolean {
  const cents = price * 100;
  return Math.abs(cents - Math.round(cents)) < 1e-6;
}

/** A price in a JSON body: whole cents, strictly a number. */
const Money = strictNumber(
  z.number().nonnegative().max(1_000_000).refine(isWholeCents, 'A price has at most two decimals (whole cents)'),
).meta({ description: 'In the venue currency, with at most two decimals (whole cents)', example: 34.5 });

// ---- rooms ----------------------------------------------------------------------------------

export const AdminRoomSchema = z
  .object({
    id: z.number().int().positive().meta({ example: 11 }),
    name: z.string().meta({ example: 'The Lighthouse' }),
    description: z.string().meta({ example: 'A storm, a keeper gone missing, 60 minutes.' }),
    price: z.number().meta({ example: 34.5 }),
    archived_at: InstantOutput.nullable().meta({ description: 'When the room stopped taking holds; null while it is open' }),
  })
  .meta({ id: 'AdminRoom' });
export type AdminRoom = z.infer<typeof AdminRoomSchema>;

const RoomName = z.string().trim().min(1).max(200).meta({ example: 'The Lighthouse' });
const RoomDescription = z.string().trim().max(2000).meta({ example: 'A storm, a keeper gone missing, 60 minutes.' });

export const CreateRoomInput = z.object({
  name: RoomName,
  description: RoomDescription.default(''),
  price: Money,
});
export type CreateRoomInput = z.input<typeof CreateRoomInput>;
export type CreateRoomRequest = z.output<typeof CreateRoomInput>;

export const UpdateRoomInput = z.object({
  room_id: RoomIdParam,
  name: RoomName.optional(),
  description: RoomDescription.optional(),
  price: Money.optional(),
});
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

export const CreateAdminKeyInput = z.object({ name: z.string().trim().min(1).max(100).meta({ example: 'front desk laptop' }) });
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
