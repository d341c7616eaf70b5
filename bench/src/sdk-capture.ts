import { createBookingClient, type BookingClient } from '@escape-room/sdk';
import type { Variant } from './request-plan.js';

export interface SdkRequest {
  method: string;
  variant: Variant;
}

/**
 * What the SDK's own links put on the wire for one call, recorded from the real client rather
 * than written out here: `createBookingClient` gets a fetch that notes the request and passes
 * it on to the server, so each capture is also proven answerable. Calls are made one at a
 * time, since calls in the same tick share one batch.
 */
export function sdkRecorder(baseUrl: string) {
  const sent: SdkRequest[] = [];
  const recordingFetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.clone().text();
    const variant: Variant = { path: `${url.pathname}${url.search}`, headers: Object.fromEntries(request.headers), ...(body === undefined ? {} : { body }) };
    sent.push({ method: request.method, variant });
    return globalThis.fetch(request);
  };
  const client = createBookingClient({ baseUrl, fetch: recordingFetch });

  return async function capture(call: (client: BookingClient) => Promise<unknown>): Promise<SdkRequest> {
    sent.length = 0;
    await call(client);
    const [only, ...more] = sent;
    if (!only || more.length > 0) throw new Error(`expected the SDK to send one request for the call, saw ${sent.length}`);
    return only;
  };
}
