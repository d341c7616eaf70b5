import { z } from 'zod';
import { multiLineText, singleLineText } from './text.js';
import { isWholeCents } from './money.js';
import { InstantOutput } from './time.js';
import { VISIBLE_ASCII } from './bookings.js';
import { RoomIdParam, strictNumber } from './rooms.js';

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

const RoomName = singleLineText({ min: 1, max: 200 }).meta({ example: 'The Lighthouse' });
const RoomDescription = multiLineText({ max: 2000 }).meta({ example: 'A storm, a keeper gone missing, 60 minutes.' });

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
