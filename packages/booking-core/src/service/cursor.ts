import { BookingError } from '../domain/errors.js';

/**
 * Opaque page cursors: a page's last key, as base64url JSON. Callers pass `next_cursor` back
 * unchanged; anything else is refused as a validation error naming `cursor`.
 */
export function cursorCodec<Key>(isKey: (key: unknown) => key is Key) {
  return {
    encode: (key: Key): string => Buffer.from(JSON.stringify(key)).toString('base64url'),
    decode(cursor: string): Key {
      try {
        const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
        if (isKey(key)) return key;
      } catch {
        // fall through to the validation error below
      }
      throw new BookingError('VALIDATION_ERROR', 'cursor is not one this API returned', [
        { path: 'cursor', message: 'Pass next_cursor from the previous page unchanged' },
      ]);
    },
  };
}

/** A cursor that is one positive integer (a sequence number or an id). */
export const serialCursor = cursorCodec((key): key is [number] => Array.isArray(key) && key.length === 1 && Number.isSafeInteger(key[0]) && (key[0] as number) > 0);
