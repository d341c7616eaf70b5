import type { EventType } from '../contract/events.js';
import type { DeliveryStatus, DisabledReason } from '../contract/webhooks.js';
import { queueStatements } from './lease-sql.js';
import type { SqlValue, Statement } from './sql.js';

// Every statement on webhook, webhook_subscription, delivery and delivery_attempt, in one place.

// ---- endpoints ----------------------------------------------------------------------------------

export interface WebhookRow {
  id: string;
  url: string;
  description: string;
  disabled_at: number | string | null;
  disabled_reason: DisabledReason | null;
  failing_since: number | string | null;
  previous_secret_until: number | string | null;
  created_at: number | string;
  updated_at: number | string;
}
const WEBHOOK_COLUMNS = 'id, url, description, disabled_at, disabled_reason, failing_since, previous_secret_until, created_at, updated_at';

const ALL = `select ${WEBHOOK_COLUMNS} from webhook order by created_at, id`;
export const allWebhooks = (): Statement => ({ text: ALL, params: [] });

const BY_ID = `select ${WEBHOOK_COLUMNS} from webhook where id = ?`;
export const webhookById = (id: string): Statement => ({ text: BY_ID, params: [id] });

const SUBSCRIPTIONS = 'select webhook_id, event_type from webhook_subscription';
export const subscriptions = (): Statement => ({ text: SUBSCRIPTIONS, params: [] });
const SUBSCRIPTIONS_OF = `${SUBSCRIPTIONS} where webhook_id = ?`;
export const subscriptionsOf = (id: string): Statement => ({ text: SUBSCRIPTIONS_OF, params: [id] });

const INSERT = 'insert into webhook (id, url, description, secret, created_at, updated_at) values (?, ?, ?, ?, ?, ?)';
export const insertWebhook = (w: { id: string; url: string; description: string; secret: string; now: number }): Statement => ({
  text: INSERT,
  params: [w.id, w.url, w.description, w.secret, w.now, w.now],
});

const SUBSCRIBE = 'insert into webhook_subscription (event_type, webhook_id) values (?, ?)';
export const subscribe = (id: string, type: EventType): Statement => ({ text: SUBSCRIBE, params: [type, id] });
const UNSUBSCRIBE_ALL = 'delete from webhook_subscription where webhook_id = ?';
export const unsubscribeAll = (id: string): Statement => ({ text: UNSUBSCRIBE_ALL, params: [id] });

const UPDATE = `update webhook set url = ?, description = ?, disabled_at = ?, disabled_reason = ?, failing_since = ?, updated_at = ? where id = ?`;
export const updateWebhook = (
  id: string,
  w: { url: string; description: string; disabledAt: number | null; disabledReason: DisabledReason | null; failingSince: number | null },
  now: number,
): Statement => ({ text: UPDATE, params: [w.url, w.description, w.disabledAt, w.disabledReason, w.failingSince, now, id] });

const ROTATE = 'update webhook set previous_secret = secret, previous_secret_until = ?, secret = ?, updated_at = ? where id = ?';
export const rotateSecret = (id: string, secret: string, previousUntil: number, now: number): Statement => ({
  text: ROTATE,
  params: [previousUntil, secret, now, id],
});

const DELETE = 'delete from webhook where id = ?';
export const deleteWebhook = (id: string): Statement => ({ text: DELETE, params: [id] });

const SET_FAILING = 'update webhook set failing_since = ? where id = ?';
export const setFailingSince = (id: string, since: number | null): Statement => ({ text: SET_FAILING, params: [since, id] });

const DISABLE = 'update webhook set disabled_at = ?, disabled_reason = ?, updated_at = ? where id = ? and disabled_at is null';
export const disableWebhook = (id: string, reason: DisabledReason, now: number): Statement => ({ text: DISABLE, params: [now, reason, now, id] });

// ---- claiming and finishing deliveries ----------------------------------------------------------------

/**
 * Deliveries are a leased queue (lease-sql.ts): one booking's events go to one endpoint in
 * order, and only to enabled endpoints. Correlated (rather than `webhook_id in (…)`), so both
 * planners walk delivery_due_idx in the claim's order and stop at its limit, however long the backlog.
 */
export const queue = queueStatements({
  table: 'delivery',
  inTurnBy: ['webhook_id', 'booking_id'],
  also: 'exists (select 1 from webhook w where w.id = d.webhook_id and w.disabled_at is null)',
});
export const claim = queue.claim;

/** A claimed delivery with what sending it needs. */
export interface ClaimedRow {
  id: number | string;
  attempts: number;
  webhook_id: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: number | string | null;
  failing_since: number | string | null;
  event_id: string;
  payload: string;
}
const CLAIMED = `select d.id, d.attempts, d.webhook_id, w.url, w.secret, w.previous_secret, w.previous_secret_until, w.failing_since,
    e.id as event_id, e.payload
  from delivery d join webhook w on w.id = d.webhook_id join event e on e.seq = d.event_seq
  where d.leased_by = ? order by d.event_seq`;
export const claimed = (token: string): Statement => ({ text: CLAIMED, params: [token] });

const RECORD_ATTEMPT = `insert into delivery_attempt (delivery_id, attempted_at, status_code, duration_ms, error, response_body)
  values (?, ?, ?, ?, ?, ?)`;
export interface AttemptRecord {
  deliveryId: number;
  attemptedAt: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
}
const attemptParams = (a: AttemptRecord) => [a.deliveryId, a.attemptedAt, a.statusCode, a.durationMs, a.error, a.responseBody];
export const recordAttempt = (a: AttemptRecord): Statement => ({ text: RECORD_ATTEMPT, params: attemptParams(a) });
/** Several attempts in one statement. */
export const recordAttempts = (attempts: readonly AttemptRecord[]): Statement => ({
  text: `${RECORD_ATTEMPT}${', (?, ?, ?, ?, ?, ?)'.repeat(attempts.length - 1)}`,
  params: attempts.flatMap(attemptParams),
});

export const finish = (id: number, token: string, next: { status: DeliveryStatus; at: number | null }, now: number): Statement => queue.finish(id, token, next, now);
export const finishMany = (rows: readonly { id: number; token: string; next: { status: DeliveryStatus; at: number | null } }[], now: number): Statement =>
  queue.finishMany(rows, now);
export const handBack = queue.handBack;
export const nextDue = queue.nextDue;

// ---- the delivery log ---------------------------------------------------------------------------------

export interface DeliveryRow {
  id: number | string;
  webhook_id: string;
  booking_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | string | null;
  created_at: number | string;
  event_id: string;
  event_type: EventType;
}
const DELIVERY_COLUMNS = `select d.id, d.webhook_id, d.booking_id, d.status, d.attempts, d.next_attempt_at, d.created_at, e.id as event_id, e.type as event_type
  from delivery d join event e on e.seq = d.event_seq`;

/** One page of an endpoint's deliveries, newest first. */
export function listDeliveries(filter: { webhookId: string; status?: DeliveryStatus | undefined; beforeId?: number | undefined; limit: number }): Statement {
  const where = ['d.webhook_id = ?'];
  const params: SqlValue[] = [filter.webhookId];
  if (filter.status !== undefined) {
    where.push('d.status = ?');
    params.push(filter.status);
  }
  if (filter.beforeId !== undefined) {
    where.push('d.id < ?');
    params.push(filter.beforeId);
  }
  return { text: `${DELIVERY_COLUMNS} where ${where.join(' and ')} order by d.id desc limit ?`, params: [...params, filter.limit] };
}

const DELIVERY_BY_ID = `${DELIVERY_COLUMNS} where d.webhook_id = ? and d.id = ?`;
export const deliveryById = (webhookId: string, id: number): Statement => ({ text: DELIVERY_BY_ID, params: [webhookId, id] });

export interface AttemptRow {
  delivery_id: number | string;
  attempted_at: number | string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response_body: string | null;
}
/** The attempts of an endpoint's deliveries with ids in [lowest, highest]: a page's, in one constant statement. */
const ATTEMPTS_IN = `select a.delivery_id, a.attempted_at, a.status_code, a.duration_ms, a.error, a.response_body from delivery_attempt a
  where a.delivery_id in (select id from delivery where webhook_id = ? and id >= ? and id <= ?) order by a.delivery_id, a.id`;
export const attemptsIn = (webhookId: string, lowest: number, highest: number): Statement => ({
  text: ATTEMPTS_IN,
  params: [webhookId, lowest, highest],
});

/**
 * A delivery goes out again now: one more attempt, whatever its state (see the service for what
 * follows a failure). Not while an attempt is in flight: its outcome would overwrite this.
 */
const RETRY = `update delivery set status = 'pending', next_attempt_at = ?, updated_at = ?
  where webhook_id = ? and id = ? and (lease_until is null or lease_until <= ?)`;
export const retryDelivery = (webhookId: string, id: number, now: number): Statement => ({ text: RETRY, params: [now, now, webhookId, id, now] });
