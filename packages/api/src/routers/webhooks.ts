import {
  CreateWebhookInput,
  DeliveryOutput,
  DeliveryPageSchema,
  DeliveryRef,
  EventPageSchema,
  ListDeliveriesInput,
  ListEventsInput,
  UpdateWebhookInput,
  WebhookOutput,
  WebhookRef,
  WebhookWithSecretOutput,
  WebhooksOutput,
} from '@escape-room/booking-core/contract';
import { z } from 'zod';
import { adminProcedure, router } from '../trpc.js';
import { rest } from '../rest-meta.js';

const webhooks = { tag: 'Webhooks', admin: true } as const;
const ONE = '/admin/webhooks/{webhook_id}';

export const eventsRouter = router({
  list: adminProcedure
    .meta(
      rest('GET', '/admin/events', {
        tag: 'Events',
        admin: true,
        summary: 'List events',
        description: 'Oldest first; filters combine. Pass `next_cursor` back as `cursor` until it is null.',
      }),
    )
    .input(ListEventsInput)
    .output(EventPageSchema)
    .query(({ ctx, input }) => ctx.service.listEvents(input)),
});

export const webhooksRouter = router({
  create: adminProcedure
    .meta(
      rest('POST', '/admin/webhooks', {
        ...webhooks,
        summary: 'Add a webhook endpoint',
        description:
          'Events of the listed types are POSTed to `url` from now on. The answer carries the signing secret once. ' +
          'The URL must be https and reach a public address (see WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_PRIVATE_NETWORKS).',
        errors: ['WEBHOOK_URL_REFUSED'],
        successStatus: 201,
      }),
    )
    .input(CreateWebhookInput)
    .output(WebhookWithSecretOutput)
    .mutation(({ ctx, input }) => ctx.service.createWebhook(input)),

  list: adminProcedure
    .meta(rest('GET', '/admin/webhooks', { ...webhooks, summary: 'List webhook endpoints (never their secrets)' }))
    .input(z.void())
    .output(WebhooksOutput)
    .query(async ({ ctx }) => ({ webhooks: await ctx.service.listWebhooks() })),

  get: adminProcedure
    .meta(rest('GET', ONE, { ...webhooks, summary: 'Get a webhook endpoint', errors: ['WEBHOOK_NOT_FOUND'] }))
    .input(WebhookRef)
    .output(WebhookOutput)
    .query(async ({ ctx, input }) => ({ webhook: await ctx.service.getWebhook(input.webhook_id) })),

  update: adminProcedure
    .meta(
      rest('PATCH', ONE, {
        ...webhooks,
        summary: 'Change a webhook endpoint',
        description: 'Any of `url`, `events`, `enabled` and `description`. Enabling a disabled endpoint resumes its pending deliveries.',
        errors: ['WEBHOOK_NOT_FOUND', 'WEBHOOK_URL_REFUSED'],
      }),
    )
    .input(UpdateWebhookInput)
    .output(WebhookOutput)
    .mutation(async ({ ctx, input }) => ({ webhook: await ctx.service.updateWebhook(input) })),

  remove: adminProcedure
    .meta(rest('DELETE', ONE, { ...webhooks, summary: 'Remove a webhook endpoint and its delivery log', errors: ['WEBHOOK_NOT_FOUND'] }))
    .input(WebhookRef)
    .output(WebhookOutput)
    .mutation(async ({ ctx, input }) => ({ webhook: await ctx.service.deleteWebhook(input.webhook_id) })),

  rotateSecret: adminProcedure
    .meta(
      rest('POST', `${ONE}/rotate-secret`, {
        ...webhooks,
        summary: "Rotate an endpoint's signing secret",
        description: 'The answer carries the new secret once. For 24 hours deliveries carry two signatures, one per secret, so receivers can switch without a gap.',
        errors: ['WEBHOOK_NOT_FOUND'],
      }),
    )
    .input(WebhookRef)
    .output(WebhookWithSecretOutput)
    .mutation(({ ctx, input }) => ctx.service.rotateWebhookSecret(input.webhook_id)),

  deliveries: adminProcedure
    .meta(
      rest('GET', `${ONE}/deliveries`, {
        ...webhooks,
        summary: "An endpoint's delivery log",
        description: 'Newest first, each delivery with every attempt: when, the status code, how long, and the error or the first 4 kB of the answer.',
        errors: ['WEBHOOK_NOT_FOUND'],
      }),
    )
    .input(ListDeliveriesInput)
    .output(DeliveryPageSchema)
    .query(({ ctx, input }) => ctx.service.listDeliveries(input)),

  retryDelivery: adminProcedure
    .meta(
      rest('POST', `${ONE}/deliveries/{delivery_id}/retry`, {
        ...webhooks,
        summary: 'Send a delivery again now',
        description:
          'One more attempt at once, whatever the delivery’s state (a 409 while an attempt of it is in flight, or while the endpoint is disabled). ' +
          'Later events of the same booking not yet delivered wait for it; those already delivered went before it.',
        errors: ['WEBHOOK_NOT_FOUND', 'DELIVERY_NOT_FOUND', 'INVALID_STATE'],
        successStatus: 202,
      }),
    )
    .input(DeliveryRef)
    .output(DeliveryOutput)
    .mutation(async ({ ctx, input }) => ({ delivery: await ctx.service.retryDelivery(input.webhook_id, input.delivery_id) })),
});
