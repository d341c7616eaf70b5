import type { Types } from './events-tables.js';

// The table of Migration20261127000000_email, once for both drivers (the column types as for
// the events tables). Frozen with the two migrations that use it.

/**
 * Guest emails owed: one row per emailed event, written in the event's transaction, claimed
 * under a lease like a webhook delivery. The venue's name and time zone are copied at that
 * moment, so a retry renders the same email as the first attempt.
 */
export const emailTable = ({ serial, bigint, int }: Types): string[] => [
  `create table email (
    id ${serial},
    event_seq ${bigint} not null constraint email_event_seq_fkey references event (seq) on delete cascade,
    booking_id varchar(64) not null,
    venue_name varchar(200) not null,
    timezone varchar(64) not null,
    status text not null constraint email_status_check check (status in ('pending', 'sent', 'failed')),
    attempts ${int} not null default 0,
    next_attempt_at ${bigint} null,
    lease_until ${bigint} null,
    leased_by varchar(64) null,
    last_error varchar(1000) null,
    sent_at ${bigint} null,
    created_at ${bigint} not null,
    updated_at ${bigint} not null
  )`,
  `create index email_due_idx on email (next_attempt_at, event_seq) where status = 'pending'`,
  `create index email_order_idx on email (booking_id, event_seq) where status = 'pending'`,
  'create index email_lease_idx on email (leased_by)',
  'create index email_event_idx on email (event_seq)',
];
