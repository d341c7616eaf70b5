import { REFERENCE_ALPHABET, REFERENCE_LENGTH } from '../../contract/bookings.js';

// Part of the sessions migrations (frozen with them): SQL that both dialects run alike.

/**
 * The reference of the n-th booking that existed before references did: n written in base 31
 * with the reference alphabet, 8 digits. Distinct for distinct n, so the backfill never
 * collides with itself; a new random reference that happens to match one is retried.
 */
export function numberedReferenceSql(n: string): string {
  const base = REFERENCE_ALPHABET.length;
  const digits = Array.from({ length: REFERENCE_LENGTH }, (_, k) => {
    const place = base ** (REFERENCE_LENGTH - 1 - k);
    return `substr('${REFERENCE_ALPHABET}', cast((${n}) / ${place} % ${base} + 1 as integer), 1)`;
  });
  return digits.join(' || ');
}

/** Backfills every booking's reference, numbering them by creation. */
export const BACKFILL_REFERENCES = `update booking set reference = (
    select ${numberedReferenceSql('numbered.n')} from (
      select id, row_number() over (order by created_at, id) - 1 as n from booking
    ) numbered where numbered.id = booking.id
  )`;
