import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BookingEvent } from '@escape-room/booking-core/contract';
import { WebhookVerificationError, verifyWebhook } from './webhooks.js';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const SECRET = newSecret();

const EVENT = {
  id: 'evt_2mF9xQ0aLk7Vt3Rb8sNw1c',
  type: 'booking.confirmed',
  created_at: '2031-03-01T08:12:44.120Z',
  actor: { type: 'guest' },
  data: {
    previous_status: 'pending',
    booking: {
      id: 'bk_3q2Zr9sX1vYkP0aLm4Tn8w',
      room_id: 2,
      status: 'confirmed',
      start_date: '2031-03-01T18:00:00.000Z',
      end_date: '2031-03-01T20:00:00.000Z',
      created_at: '2031-03-01T08:10:02.950Z',
      expires_at: null,
      guest: { name: 'Ada Lovelace', email: 'ada@example.com' },
      room: {
        id: 2,
        name: 'Room 2',
        description: 'Escape room 2',
        price: 12.5,
        price_per: 'booking',
        price_tiers: [],
        min_players: 1,
        max_players: null,
        buffer_minutes: 0,
        scheduled: false,
      },
      reference: 'K7M2QX9P',
      players: 1,
      price: { total: 12.5, currency: 'EUR' },
      local_start: '2031-03-01T18:00:00+00:00',
      local_end: '2031-03-01T20:00:00+00:00',
      cancellable_until: '2031-03-01T18:00:00.000Z',
    },
  },
};
const BODY = JSON.stringify(EVENT);

/** The headers a sender puts on a delivery, made with the library's own signer; one signature per secret. */
function signed(body: string, secrets: string[] = [SECRET], at = new Date(), id = EVENT.id): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(' '),
  };
}

/** The message of the WebhookVerificationError a call throws; anything else fails the test. */
function refusal(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return (error as WebhookVerificationError).message;
  }
  throw new Error('expected a WebhookVerificationError, but the webhook was accepted');
}

describe('verifyWebhook', () => {
  it('accepts a delivery signed with the secret and returns the event, typed by its type', () => {
    const event = verifyWebhook(BODY, signed(BODY), SECRET);
    expect(event).toEqual(EVENT);
    expectTypeOf(event).toEqualTypeOf<BookingEvent>();
    if (event.type === 'booking.confirmed') expectTypeOf(event.type).toEqualTypeOf<'booking.confirmed'>();
  });

  it('takes the body as a Buffer or a Uint8Array, and the headers as a Fetch Headers object', () => {
    expect(verifyWebhook(Buffer.from(BODY), signed(BODY), SECRET).id).toBe(EVENT.id);
    expect(verifyWebhook(new TextEncoder().encode(BODY), signed(BODY), SECRET).id).toBe(EVENT.id);
    expect(verifyWebhook(BODY, new Headers(signed(BODY)), SECRET).id).toBe(EVENT.id);
  });

  it("takes Node's IncomingHttpHeaders: any case, other headers around, values that may be arrays", () => {
    const [first, second] = [newSecret(), newSecret()];
    const { 'webhook-signature': signatures, ...rest } = signed(BODY, [first, second]);
    const headers = { ...rest, 'content-type': 'application/json', 'x-forwarded-for': undefined, 'Webhook-Signature': signatures.split(' ') };
    expect(verifyWebhook(BODY, headers, second).id).toBe(EVENT.id);
  });

  it('accepts either signature during a rotation, and refuses a secret that made neither', () => {
    const [previous, next] = [newSecret(), newSecret()];
    const headers = signed(BODY, [next, previous]);
    expect(verifyWebhook(BODY, headers, previous).id).toBe(EVENT.id);
    expect(verifyWebhook(BODY, headers, next).id).toBe(EVENT.id);
    expect(refusal(() => verifyWebhook(BODY, headers, SECRET))).toMatch(/signature/i);
  });

  it('refuses a changed body, a wrong secret and a changed id', () => {
    const headers = signed(BODY);
    expect(refusal(() => verifyWebhook(BODY.replace('"players":1', '"players":9'), headers, SECRET))).toMatch(/signature/i);
    expect(refusal(() => verifyWebhook(` ${BODY}`, headers, SECRET))).toMatch(/signature/i);
    expect(refusal(() => verifyWebhook(BODY, headers, newSecret()))).toMatch(/signature/i);
    expect(refusal(() => verifyWebhook(BODY, { ...headers, 'webhook-id': 'evt_another' }, SECRET))).toMatch(/signature/i);
  });

  it('refuses a timestamp more than five minutes off, either way, even when signed correctly', () => {
    const now = Date.now();
    expect(refusal(() => verifyWebhook(BODY, signed(BODY, [SECRET], new Date(now - 6 * 60_000)), SECRET))).toMatch(/too old/);
    expect(refusal(() => verifyWebhook(BODY, signed(BODY, [SECRET], new Date(now + 6 * 60_000)), SECRET))).toMatch(/too new/);
    expect(verifyWebhook(BODY, signed(BODY, [SECRET], new Date(now - 4 * 60_000)), SECRET).id).toBe(EVENT.id);
  });

  it('refuses a delivery without its headers, naming those missing', () => {
    const unsigned: Record<string, string | undefined> = { ...signed(BODY), 'webhook-signature': undefined };
    expect(refusal(() => verifyWebhook(BODY, unsigned, SECRET))).toBe('Missing webhook header(s): webhook-signature');
    expect(refusal(() => verifyWebhook(BODY, new Headers(), SECRET))).toBe('Missing webhook header(s): webhook-id, webhook-timestamp, webhook-signature');
  });

  it('refuses a correctly signed body that is not JSON, or not a booking event', () => {
    expect(refusal(() => verifyWebhook('', signed(''), SECRET))).toMatch(/not JSON/);
    expect(refusal(() => verifyWebhook('{"id":', signed('{"id":'), SECRET))).toMatch(/not JSON/);
    const unknownType = JSON.stringify({ ...EVENT, type: 'booking.teleported' });
    expect(refusal(() => verifyWebhook(unknownType, signed(unknownType), SECRET))).toMatch(/not a booking event: type/);
    const noBooking = JSON.stringify({ ...EVENT, data: { previous_status: 'pending' } });
    expect(refusal(() => verifyWebhook(noBooking, signed(noBooking), SECRET))).toMatch(/not a booking event: data\.booking/);
  });

  it('refuses a secret that is not a webhook secret', () => {
    expect(refusal(() => verifyWebhook(BODY, signed(BODY), ''))).toMatch(/not a webhook secret/);
  });
});
