import { z } from 'zod';
import { singleLineText } from './text.js';
import { InstantOutput } from './time.js';
import { VISIBLE_ASCII, pageFields } from './bookings.js';
import { EVENT_TYPES, EventTypeSchema } from './events.js';

/** An endpoint's address. Which schemes and hosts the server accepts is its configuration's (see WEBHOOK_ALLOW_*). */
export const WebhookUrl = singleLineText({ min: 1, max: 2000 })
  .pipe(z.url({ protocol: /^https?$/, message: 'Expected an http(s) URL such as https://hooks.example.com/escape-room' }))
  .meta({ format: 'uri', example: 'https://example.com/webhooks/escape-room' });

/** The types an endpoint receives: at least one, each once, kept in the contract's order. */
export const WebhookEvents = z
  .array(EventTypeSchema)
  .min(1)
  .max(20)
  .transform((types) => EVENT_TYPES.filter((type) => types.includes(type)))
  .meta({ description: 'The event types this endpoint receives', example: ['booking.confirmed', 'booking.cancelled'] });

/** No example: only an id this server issued can succeed, and documented examples must (as with booking ids). */
export const WebhookId = z.string().min(1).max(64).regex(VISIBLE_ASCII, 'visible ASCII characters only').meta({ description: 'The `id` of a webhook endpoint' });

export const DISABLED_REASONS = ['admin', 'gone', 'failing'] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

export const WebhookSchema = z
  .object({
    id: z.string().meta({ example: 'wh_9dK2mQ4rT7xZ1aBc' }),
    url: z.string().meta({ example: 'https://hooks.example.com/escape-room' }),
    events: z.array(EventTypeSchema),
    enabled: z.boolean(),
    disabled_reason: z.enum(DISABLED_REASONS).nullable().meta({
      description: 'Why a disabled endpoint receives nothing: `admin` turned it off, it answered 410 `gone`, or it kept `failing` for 5 days',
    }),
    description: z.string().meta({ example: 'Confirmation emails' }),
    created_at: InstantOutput,
    updated_at: InstantOutput,
    previous_secret_expires_at: InstantOutput.nullable().meta({
      description: 'After a rotation: until when the previous secret still signs next to the new one',
    }),
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof WebhookSchema>;

const Description = singleLineText({ max: 500 }).meta({ example: 'Confirmation emails' });

export const CreateWebhookInput = z.object({ url: WebhookUrl, events: WebhookEvents, description: Description.default('') });
export type CreateWebhookInput = z.input<typeof CreateWebhookInput>;
export type CreateWebhookRequest = z.output<typeof CreateWebhookInput>;

export const WebhookRef = z.object({ webhook_id: WebhookId });
export const UpdateWebhookInput = z
  .object({
    webhook_id: WebhookId,
    url: WebhookUrl.optional(),
    events: WebhookEvents.optional(),
    enabled: z.boolean().optional().meta({ description: 'true re-enables a disabled endpoint; its pending deliveries resume' }),
    description: Description.optional(),
  })
  .refine((change) => Object.keys(change).length > 1, { message: 'Change at least one of url, events, enabled or description' });
export type UpdateWebhookInput = z.input<typeof UpdateWebhookInput>;
export type UpdateWebhookRequest = z.output<typeof UpdateWebhookInput>;

/** `whsec_` and 32 random bytes in base64, as Standard Webhooks libraries take it. */
const Secret = z.string().meta({ description: 'Shown once: store it to verify signatures', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
export const WebhookOutput = z.object({ webhook: WebhookSchema });
export const WebhookWithSecretOutput = z.object({ webhook: WebhookSchema, secret: Secret });
export type WebhookWithSecret = z.infer<typeof WebhookWithSecretOutput>;
export const WebhooksOutput = z.object({ webhooks: z.array(WebhookSchema) });

// ---- deliveries ----------------------------------------------------------------------------------

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const DeliveryStatusSchema = z.enum(DELIVERY_STATUSES).meta({
  id: 'DeliveryStatus',
  description: '`pending`: not yet delivered, attempts remain; `succeeded`: a 2xx answered; `failed`: every attempt failed, or the endpoint answered 410',
});
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

export const DeliveryAttemptSchema = z
  .object({
    attempted_at: InstantOutput,
    status_code: z.number().int().nullable().meta({ description: 'null when no HTTP answer came (refused address, timeout, connection error)' }),
    duration_ms: z.number().int(),
    error: z.string().nullable(),
    response_body: z.string().nullable().meta({ description: 'The first 4 kB of the answer, for this log only' }),
  })
  .meta({ id: 'DeliveryAttempt' });

export const DeliverySchema = z
  .object({
    id: z.number().int().positive().meta({ example: 42 }),
    webhook_id: z.string(),
    event_id: z.string(),
    event_type: EventTypeSchema,
    booking_id: z.string(),
    status: DeliveryStatusSchema,
    next_attempt_at: InstantOutput.nullable().meta({ description: 'When a pending delivery is tried next' }),
    created_at: InstantOutput,
    attempts: z.array(DeliveryAttemptSchema).meta({ description: 'Oldest first' }),
  })
  .meta({ id: 'Delivery' });
export type Delivery = z.infer<typeof DeliverySchema>;

export const DeliveryId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).meta({ description: 'The `id` of a delivery, from the delivery log' });

export const ListDeliveriesInput = z.object({
  webhook_id: WebhookId,
  status: DeliveryStatusSchema.optional(),
  ...pageFields,
});
export type ListDeliveriesInput = z.input<typeof ListDeliveriesInput>;
export type ListDeliveriesQuery = z.output<typeof ListDeliveriesInput>;
export const DeliveryPageSchema = z.object({
  deliveries: z.array(DeliverySchema).meta({ description: 'Newest first' }),
  next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last one' }),
});
export type DeliveryPage = z.infer<typeof DeliveryPageSchema>;

export const DeliveryRef = z.object({ webhook_id: WebhookId, delivery_id: DeliveryId });
export const DeliveryOutput = z.object({ delivery: DeliverySchema });
