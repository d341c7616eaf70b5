import { Webhook } from 'standardwebhooks';
import { BookingEventSchema, type BookingEvent } from '@escape-room/booking-core/contract';

/**
 * The headers of a delivery as a server framework hands them over: Node's `req.headers` (values
 * may be arrays or absent), a plain object, or a Fetch `Headers` (Request.headers in Deno,
 * Bun, Cloudflare Workers, Next.js route handlers).
 */
export type WebhookHeaders = { get(name: string): string | null } | Record<string, string | readonly string[] | undefined>;

/**
 * The one error `verifyWebhook` throws: headers missing, a signature that matches none of the
 * secret's, a timestamp too far from now, or a body that is not a booking event. Answer it
 * with a 4xx and do not act on the body. `cause` carries the underlying error, if any.
 */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

const SIGNED_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

type HeaderReader = (name: string) => string | undefined;

/** Header lookup by lower-case name, whatever form the headers came in; a repeated header's values joined by spaces, as signatures are. */
function headerReader(headers: WebhookHeaders): HeaderReader {
  if (typeof headers.get === 'function') {
    const fetchHeaders = headers as { get(name: string): string | null };
    return (name) => fetchHeaders.get(name) ?? undefined;
  }
  const lowered = new Map(Object.entries(headers as Record<string, unknown>).map(([key, value]) => [key.toLowerCase(), value]));
  return (name) => {
    const value = lowered.get(name);
    return Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : undefined;
  };
}

function signedHeaders(headers: WebhookHeaders): Record<(typeof SIGNED_HEADERS)[number], string> {
  const read = headerReader(headers);
  const [id, timestamp, signature] = SIGNED_HEADERS.map(read);
  if (!id || !timestamp || !signature) {
    throw new WebhookVerificationError(`Missing webhook header(s): ${SIGNED_HEADERS.filter((name) => !read(name)).join(', ')}`);
  }
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
}

// The signature covers the body's exact text; a byte-order mark is part of it, not to be dropped.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

function failure(what: string, cause: unknown): WebhookVerificationError {
  return new WebhookVerificationError(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}

/**
 * Checks that a webhook delivery comes from the booking API and is fresh, and returns its event,
 * typed by `type`. Signatures and the timestamp's tolerance are Standard Webhooks' (the
 * `standardwebhooks` library): any of the `v1` signatures may match (during a secret rotation
 * the server sends one per secret), and the timestamp must be within 5 minutes of this
 * machine's clock. Throws a `WebhookVerificationError` otherwise.
 *
 * @param rawBody the body exactly as received (a string, a Buffer or any Uint8Array), before any
 *   JSON parsing: re-serialised JSON no longer matches its signature.
 * @param headers the request's headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
 * @param secret the endpoint's `whsec_…` secret, as `admin.webhooks.create` or `rotateSecret` returned it.
 */
export function verifyWebhook(rawBody: string | Uint8Array, headers: WebhookHeaders, secret: string): BookingEvent {
  const signed = signedHeaders(headers);
  const body = typeof rawBody === 'string' ? rawBody : utf8.decode(rawBody);
  let verifier: Webhook;
  try {
    verifier = new Webhook(secret);
  } catch (error) {
    throw failure('The secret is not a webhook secret (whsec_…)', error);
  }
  try {
    verifier.verify(body, signed, { jsonParse: false });
  } catch (error) {
    throw failure('Webhook verification failed', error);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw failure('The webhook body is not JSON', error);
  }
  const event = BookingEventSchema.safeParse(json);
  if (!event.success) {
    const issue = event.error.issues[0];
    throw new WebhookVerificationError(`The webhook body is not a booking event: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'no match'}`, {
      cause: event.error,
    });
  }
  return event.data;
}
