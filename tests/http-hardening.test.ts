import { describe, expect, it } from 'vitest';
import { useServer } from './support/use-server.js';

const ALLOWED = 'https://shop.example.com';

describe('HTTP hardening', () => {
  const ctx = useServer({ CORS_ORIGINS: `${ALLOWED}, https://kiosk.example.com` });

  it('sends security headers on API answers and on the docs page', async () => {
    for (const path of ['/api/v1/rooms', '/docs', '/api/v1/nothing']) {
      const response = await fetch(`${ctx.url}${path}`);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(response.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(response.headers.get('x-powered-by'), path).toBeNull();
      expect(response.headers.get('x-request-id'), path).toBeTruthy();
    }
  });

  it('lets browsers on allowlisted origins call the API, and no others', async () => {
    const allowed = await fetch(`${ctx.url}/api/v1/rooms`, { headers: { origin: ALLOWED } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const other = await fetch(`${ctx.url}/api/v1/rooms`, { headers: { origin: 'https://evil.example.net' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const preflight = await fetch(`${ctx.url}/api/v1/bookings`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, idempotency-key' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('idempotency-key');
  });

  it('lets allowlisted browsers send every method the API uses, as the OpenAPI document lists them', async () => {
    const document = (await (await fetch(`${ctx.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => ({ method: method.toUpperCase(), path: `/api/v1${path.replace(/\{[^}]+\}/g, '1')}` })),
    );
    expect(operations.map((operation) => operation.method)).toContain('PATCH'); // the one the allowlist once left out
    for (const { method, path } of operations) {
      const preflight = await fetch(`${ctx.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin: ALLOWED, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' },
      });
      const label = `${method} ${path}`;
      expect(preflight.status, label).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin'), label).toBe(ALLOWED);
      expect(preflight.headers.get('access-control-allow-methods')?.split(/,\s*/), label).toContain(method);
    }
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const given = await fetch(`${ctx.url}/api/v1/rooms`, { headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const malformed = await fetch(`${ctx.url}/api/v1/rooms`, { headers: { 'x-request-id': 'no spaces allowed here' } });
    expect(malformed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
