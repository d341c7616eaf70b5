import type { Statement } from './sql.js';

// The outbox queues (webhook deliveries, guest emails) share one shape: rows `pending` until
// done, due at next_attempt_at, ordered by event_seq, leased to one claim at a time by
// (leased_by, lease_until), and fenced by that token when the outcome is recorded. These are
// their statements, once, for any such table.

export interface LeasedQueue {
  /** The table, aliased `d` in the claim. */
  table: string;
  /** Columns whose rows go out in event order: a later row waits while an earlier one of the same values is pending. */
  inTurnBy: readonly string[];
  /** A further condition on `d` a row must meet to be claimed (e.g. its endpoint is enabled), or ''. */
  also: string;
}

export interface QueueStatements {
  /**
   * Leases up to `limit` due rows to one claim (a token of this instance) until `leaseUntil`.
   * On PostgreSQL, concurrent claimers skip each other's locked rows; a SQLite write
   * transaction holds the whole file.
   */
  claim: (token: string, leaseUntil: number, now: number, limit: number, lock: string) => Statement;
  /** Ends this claim's lease with the attempt's outcome; a claim whose lease another instance took over changes nothing. */
  finish: (id: number, token: string, next: { status: string; at: number | null }, now: number) => Statement;
  /** `finish` for several rows in one statement, each fenced by its own claim's token. */
  finishMany: (rows: readonly Finished[], now: number) => Statement;
  /** Gives a claim's unfinished rows back at once (a shutdown), without counting an attempt. */
  handBack: (token: string) => Statement;
  /** When the next unleased pending row falls due; none when nothing is pending. Leases that run out are found by the poll. */
  nextDue: () => Statement;
}

/** One row's outcome, for `finishMany`. */
export interface Finished {
  id: number;
  token: string;
  next: { status: string; at: number | null };
}

export function queueStatements({ table, inTurnBy, also }: LeasedQueue): QueueStatements {
  const extra = also ? ` and ${also}` : '';
  /** Pending, due, and not leased to a live claim. Two `?`: now, now. */
  const claimable = `status = 'pending' and next_attempt_at <= ? and (lease_until is null or lease_until <= ?)${extra}`;
  const sameGroup = inTurnBy.map((column) => `e.${column} = d.${column}`).join(' and ');
  const inTurn = `not exists (select 1 from ${table} e
      where ${sameGroup} and e.status = 'pending' and e.event_seq < d.event_seq)`;
  const claimText = (lock: string) => `update ${table} set leased_by = ?, lease_until = ? where id in (
    select id from ${table} d where ${claimable} and ${inTurn}
    order by next_attempt_at, event_seq limit ?${lock})`;
  const finishText = `update ${table} set status = ?, attempts = attempts + 1, next_attempt_at = ?, lease_until = null, leased_by = null, updated_at = ?
  where id = ? and leased_by = ?`;
  // Typed by casts, which both drivers read the same way: PostgreSQL would take bare VALUES
  // parameters as text. SQLite has no column list on a VALUES alias, hence the CTE.
  const finishManyText = (count: number) => `with v(id, token, status, at) as (values ${Array.from({ length: count }, () => '(cast(? as bigint), cast(? as text), cast(? as text), cast(? as bigint))').join(', ')})
  update ${table} set status = v.status, attempts = attempts + 1, next_attempt_at = v.at, lease_until = null, leased_by = null, updated_at = ?
  from v where ${table}.id = v.id and ${table}.leased_by = v.token`;
  const handBackText = `update ${table} set lease_until = null, leased_by = null where leased_by = ? and status = 'pending'`;
  const nextDueText = `select next_attempt_at as at from ${table} d where status = 'pending' and lease_until is null${extra}
  order by next_attempt_at, event_seq limit 1`;
  return {
    claim: (token, leaseUntil, now, limit, lock) => ({ text: claimText(lock), params: [token, leaseUntil, now, now, limit] }),
    finish: (id, token, next, now) => ({ text: finishText, params: [next.status, next.at, now, id, token] }),
    finishMany: (rows, now) => ({
      text: finishManyText(rows.length),
      params: [...rows.flatMap(({ id, token, next }) => [id, token, next.status, next.at]), now],
    }),
    handBack: (token) => ({ text: handBackText, params: [token] }),
    nextDue: () => ({ text: nextDueText, params: [] }),
  };
}
