import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminKey as AdminKeyDto, CreatedAdminKey } from '../contract/index.js';
import { formatInstant, formatOptionalInstant } from '../contract/time.js';
import { BookingError } from '../domain/errors.js';
import { AdminKey } from '../db/entities.js';
import type { ServiceDeps } from './deps.js';
import { write } from './transaction.js';

/** Presented keys look like `erk_<id>_<secret>`; the id finds the row, the secret proves possession. */
const KEY_FORMAT = /^erk_(ak_[a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is written at most this often per key, so using a key is not a write per request. */
const LAST_USED_GRANULARITY_MS = 60_000;

const digest = (secret: string) => createHash('sha256').update(secret).digest();

/** A live key names itself, so what it does can be recorded under it. */
export type KeyVerdict = { verdict: 'valid'; keyId: string } | { verdict: 'revoked' | 'unknown' };

function toDto(key: AdminKey): AdminKeyDto {
  return {
    id: key.id,
    name: key.name,
    created_at: formatInstant(key.createdAt),
    last_used_at: formatOptionalInstant(key.lastUsedAt),
    revoked_at: formatOptionalInstant(key.revokedAt),
  };
}

/** Makes a key; its secret is returned this once and stored only as a SHA-256 hash. */
export async function createAdminKey({ db, clock }: ServiceDeps, name: string): Promise<CreatedAdminKey> {
  const id = `ak_${randomBytes(5).toString('hex').slice(0, 8)}`;
  const secret = randomBytes(32).toString('base64url');
  const em = db.em.fork();
  const key = em.create(AdminKey, { id, name, secretHash: digest(secret).toString('hex'), createdAt: clock.now(), lastUsedAt: null, revokedAt: null });
  await write(() => em.flush());
  return { key: toDto(key), secret: `erk_${id}_${secret}` };
}

export async function listAdminKeys({ db }: ServiceDeps): Promise<AdminKeyDto[]> {
  const keys = await db.em.fork().find(AdminKey, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  return keys.map(toDto);
}

/** Revokes a key at once; revoking twice keeps the first revocation time. */
export async function revokeAdminKey({ db, clock }: ServiceDeps, id: string): Promise<AdminKeyDto> {
  const em = db.em.fork();
  const key = await em.findOne(AdminKey, id);
  if (!key) throw new BookingError('KEY_NOT_FOUND', `No admin key has the id ${JSON.stringify(id)}`);
  key.revokedAt ??= clock.now();
  await write(() => em.flush());
  return toDto(key);
}

/** Checks a presented key in constant time (for keys of the right shape) and notes its use. */
export async function verifyAdminKey({ db, clock }: ServiceDeps, presented: string): Promise<KeyVerdict> {
  const match = KEY_FORMAT.exec(presented);
  if (!match) return { verdict: 'unknown' };
  const [, id, secret] = match as unknown as [string, string, string];
  const em = db.em.fork();
  const key = await em.findOne(AdminKey, id);
  if (!key || !timingSafeEqual(digest(secret), Buffer.from(key.secretHash, 'hex'))) return { verdict: 'unknown' };
  if (key.revokedAt != null) return { verdict: 'revoked' };
  const now = clock.now();
  if (key.lastUsedAt == null || key.lastUsedAt <= now - LAST_USED_GRANULARITY_MS) {
    await write(() => em.nativeUpdate(AdminKey, { id }, { lastUsedAt: now }));
  }
  return { verdict: 'valid', keyId: id };
}
