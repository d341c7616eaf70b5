import type {
  CreateWebhookRequest,
  Delivery,
  DeliveryPage,
  EventType,
  ListDeliveriesQuery,
  UpdateWebhookRequest,
  Webhook,
  WebhookWithSecret,
} from '../contract/index.js';
import { formatInstant, formatOptionalInstant } from '../contract/time.js';
import { BookingError } from '../domain/errors.js';
import { ROTATION_OVERLAP_MS, previousSecretSigns } from '../domain/webhook-policy.js';
import * as webhookSql from '../db/webhook-sql.js';
import type { AttemptRow, DeliveryRow, WebhookRow } from '../db/webhook-sql.js';
import { optionalNumber, sqlRunner, type Sql } from '../db/sql.js';
import { EVENT_TYPES } from '../contract/events.js';
import { DEFAULT_ENDPOINT_RULES, type ServiceDeps } from './deps.js';
import { serialCursor } from './cursor.js';
import { assertEndpointAllowed } from './endpoint-guard.js';
import { newWebhookId, newWebhookSecret } from './ids.js';
import { inSqlTransaction } from './transaction.js';


function toWebhookDto(row: WebhookRow, events: EventType[], now: number): Webhook {
  const previousUntil = optionalNumber(row.previous_secret_until);
  return {
    id: row.id,
    url: row.url,
    events,
    enabled: row.disabled_at === null,
    disabled_reason: row.disabled_reason,
    description: row.description,
    created_at: formatInstant(Number(row.created_at)),
    updated_at: formatInstant(Number(row.updated_at)),
    previous_secret_expires_at: previousSecretSigns(previousUntil, now) ? formatOptionalInstant(previousUntil) : null,
  };
}

/** Each endpoint's event types, in the contract's order. */
async function subscriptionsBy(sql: Sql, webhookId?: string): Promise<Map<string, EventType[]>> {
  const rows = await sql.all<{ webhook_id: string; event_type: EventType }>(webhookId ? webhookSql.subscriptionsOf(webhookId) : webhookSql.subscriptions());
  rows.sort((a, b) => EVENT_TYPES.indexOf(a.event_type) - EVENT_TYPES.indexOf(b.event_type));
  const by = new Map<string, EventType[]>();
  for (const row of rows) by.set(row.webhook_id, [...(by.get(row.webhook_id) ?? []), row.event_type]);
  return by;
}

const webhookNotFound = (id: string) => new BookingError('WEBHOOK_NOT_FOUND', `No webhook has the id ${JSON.stringify(id.slice(0, 64))}`);

/** The stored endpoint, or WEBHOOK_NOT_FOUND. */
async function webhookRow(sql: Sql, id: string): Promise<WebhookRow> {
  const [row] = await sql.all<WebhookRow>(webhookSql.webhookById(id));
  if (!row) throw webhookNotFound(id);
  return row;
}

async function readWebhook(sql: Sql, id: string, now: number): Promise<Webhook> {
  const row = await webhookRow(sql, id);
  return toWebhookDto(row, (await subscriptionsBy(sql, id)).get(id) ?? [], now);
}

const rulesOf = (deps: ServiceDeps) => deps.endpoints ?? DEFAULT_ENDPOINT_RULES;

export async function createWebhook(deps: ServiceDeps, request: CreateWebhookRequest): Promise<WebhookWithSecret> {
  await assertEndpointAllowed(request.url, rulesOf(deps));
  const id = newWebhookId();
  const secret = newWebhookSecret();
  const now = deps.clock.now();
  return inSqlTransaction(deps.db, async (sql) => {
    await sql.run(webhookSql.insertWebhook({ id, url: request.url, description: request.description, secret, now }));
    for (const type of request.events) await sql.run(webhookSql.subscribe(id, type));
    return { webhook: await readWebhook(sql, id, now), secret };
  });
}

export async function listWebhooks({ db, clock }: ServiceDeps): Promise<Webhook[]> {
  const sql = sqlRunner(db);
  const [rows, subscriptions] = [await sql.all<WebhookRow>(webhookSql.allWebhooks()), await subscriptionsBy(sql)];
  const now = clock.now();
  return rows.map((row) => toWebhookDto(row, subscriptions.get(row.id) ?? [], now));
}

export const getWebhook = ({ db, clock }: ServiceDeps, id: string): Promise<Webhook> => readWebhook(sqlRunner(db), id, clock.now());

/**
 * Changes an endpoint. Re-enabling one clears why it was disabled and its failing streak, so its
 * pending deliveries go out again on the schedule they had.
 */
export async function updateWebhook(deps: ServiceDeps, request: UpdateWebhookRequest): Promise<Webhook> {
  if (request.url !== undefined) await assertEndpointAllowed(request.url, rulesOf(deps));
  const now = deps.clock.now();
  return inSqlTransaction(deps.db, async (sql) => {
    const row = await webhookRow(sql, request.webhook_id);
    const wasEnabled = row.disabled_at === null;
    const enabled = request.enabled ?? wasEnabled;
    const failingSince = optionalNumber(row.failing_since);
    // Re-enabling forgets why it was off and the failing streak; disabling by hand says so.
    const state =
      enabled === wasEnabled
        ? { disabledAt: optionalNumber(row.disabled_at), disabledReason: row.disabled_reason, failingSince }
        : enabled
          ? { disabledAt: null, disabledReason: null, failingSince: null }
          : { disabledAt: now, disabledReason: 'admin' as const, failingSince };
    await sql.run(
      webhookSql.updateWebhook(row.id, { url: request.url ?? row.url, description: request.description ?? row.description, ...state }, now),
    );
    if (request.events) {
      await sql.run(webhookSql.unsubscribeAll(row.id));
      for (const type of request.events) await sql.run(webhookSql.subscribe(row.id, type));
    }
    return readWebhook(sql, row.id, now);
  });
}

/** Removes an endpoint with its deliveries; answers it as it was. */
export async function deleteWebhook({ db, clock }: ServiceDeps, id: string): Promise<Webhook> {
  return inSqlTransaction(db, async (sql) => {
    const webhook = await readWebhook(sql, id, clock.now());
    await sql.run(webhookSql.deleteWebhook(id));
    return webhook;
  });
}

/** A new secret, shown once; the previous one keeps signing next to it for ROTATION_OVERLAP_MS. */
export async function rotateWebhookSecret({ db, clock }: ServiceDeps, id: string): Promise<WebhookWithSecret> {
  const secret = newWebhookSecret();
  const now = clock.now();
  return inSqlTransaction(db, async (sql) => {
    if ((await sql.run(webhookSql.rotateSecret(id, secret, now + ROTATION_OVERLAP_MS, now))) !== 1) throw webhookNotFound(id);
    return { webhook: await readWebhook(sql, id, now), secret };
  });
}

function toDeliveryDto(row: DeliveryRow, attempts: AttemptRow[]): Delivery {
  return {
    id: Number(row.id),
    webhook_id: row.webhook_id,
    event_id: row.event_id,
    event_type: row.event_type,
    booking_id: row.booking_id,
    status: row.status,
    next_attempt_at: row.status === 'pending' ? formatOptionalInstant(row.next_attempt_at) : null,
    created_at: formatInstant(Number(row.created_at)),
    attempts: attempts.map((a) => ({
      attempted_at: formatInstant(Number(a.attempted_at)),
      status_code: a.status_code,
      duration_ms: a.duration_ms,
      error: a.error,
      response_body: a.response_body,
    })),
  };
}

/** The attempts of these deliveries of one endpoint, by delivery id. */
async function attemptsOf(sql: Sql, webhookId: string, rows: DeliveryRow[]): Promise<Map<number, AttemptRow[]>> {
  const by = new Map<number, AttemptRow[]>();
  if (rows.length === 0) return by;
  const ids = rows.map((row) => Number(row.id));
  for (const attempt of await sql.all<AttemptRow>(webhookSql.attemptsIn(webhookId, Math.min(...ids), Math.max(...ids)))) {
    const id = Number(attempt.delivery_id);
    by.set(id, [...(by.get(id) ?? []), attempt]);
  }
  return by;
}

/** An endpoint's deliveries, newest first, each with its attempts. */
export async function listDeliveries({ db }: ServiceDeps, query: ListDeliveriesQuery): Promise<DeliveryPage> {
  const sql = sqlRunner(db);
  await webhookRow(sql, query.webhook_id);
  const before = query.cursor ? serialCursor.decode(query.cursor)[0] : undefined;
  const rows = await sql.all<DeliveryRow>(
    webhookSql.listDeliveries({ webhookId: query.webhook_id, status: query.status, beforeId: before, limit: query.limit + 1 }),
  );
  const page = rows.slice(0, query.limit);
  const attempts = await attemptsOf(sql, query.webhook_id, page);
  const last = page.at(-1);
  return {
    deliveries: page.map((row) => toDeliveryDto(row, attempts.get(Number(row.id)) ?? [])),
    next_cursor: rows.length > query.limit && last ? serialCursor.encode([Number(last.id)]) : null,
  };
}

const deliveryNotFound = (webhookId: string, id: number) =>
  new BookingError('DELIVERY_NOT_FOUND', `Webhook ${JSON.stringify(webhookId.slice(0, 64))} has no delivery ${id}`);

/**
 * Sends a delivery again now, whatever its state: one more attempt. If it fails, a delivery
 * that had spent its schedule is failed again; one that had not goes on with it.
 */
export async function retryDelivery(deps: ServiceDeps, webhookId: string, id: number): Promise<Delivery> {
  const now = deps.clock.now();
  const delivery = await inSqlTransaction(deps.db, async (sql) => {
    if ((await webhookRow(sql, webhookId)).disabled_at !== null) throw new BookingError('INVALID_STATE', 'The webhook is disabled: enable it, then retry');
    const retried = (await sql.run(webhookSql.retryDelivery(webhookId, id, now))) === 1;
    const [row] = await sql.all<DeliveryRow>(webhookSql.deliveryById(webhookId, id));
    if (!row) throw deliveryNotFound(webhookId, id);
    if (!retried) throw new BookingError('INVALID_STATE', 'The delivery is being attempted right now: see its outcome in the log first');
    return toDeliveryDto(row, (await attemptsOf(sql, webhookId, [row])).get(id) ?? []);
  });
  deps.outbox?.notify();
  return delivery;
}
