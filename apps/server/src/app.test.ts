import { describe, expect, it } from 'vitest';
import type { BookingApi } from '@escape-room/booking-core/api';
import { buildServer } from './app.js';
import { loadConfig } from './config.js';

describe('a request that arrives once shutdown began', () => {
  it("gets the contract's 503 body, as the OpenAPI document says, not Fastify's own", async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_ENABLED: 'false' });
    // No request reaches the service: the shutdown answers first.
    const app = await buildServer({ config, service: {} as BookingApi, pingDatabase: () => Promise.resolve() });
    let answer: { status: number; connection: string | null; body: unknown } | undefined;
    // Runs after the app's own preClose hook, when the app knows it is closing but its listener
    // still accepts: the moment a late request meets.
    app.addHook('preClose', async () => {
      const response = await fetch(`${url}/api/v1/rooms`);
      answer = { status: response.status, connection: response.headers.get('connection'), body: await response.json() };
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    await app.close();
    expect(answer).toEqual({
      status: 503,
      connection: 'close',
      body: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String) },
    });
  });
});
