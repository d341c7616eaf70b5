import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { routePattern } from '@escape-room/api';
import { MANAGE_PATH } from '@escape-room/booking-core/contract';

const require = createRequire(import.meta.url);
const WEB_DIST = join(dirname(require.resolve('@escape-room/web/package.json')), 'dist');

export interface WebOptions {
  /** Origins whose pages may frame the booking page (FRAME_ANCESTORS); none: same origin only. */
  frameAncestors: string[];
}

/**
 * The page's own Content-Security-Policy: everything from this origin, no inline code, and
 * framing only by the configured sites. The API keeps helmet's stricter headers.
 */
export function webContentSecurityPolicy(frameAncestors: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${["'self'", ...frameAncestors].join(' ')}`,
  ].join('; ');
}

/**
 * The guest booking page (apps/web's build): hashed assets under /assets/ cached for good,
 * index.html never cached, at `/` and at `/bookings/:id` (the page routes on the client).
 */
export const web: FastifyPluginAsync<WebOptions> = async (app, { frameAncestors }) => {
  const index = await readFile(join(WEB_DIST, 'index.html'), 'utf8').catch((error: unknown) => {
    throw new Error(`The guest booking page is not built (${WEB_DIST}): run \`pnpm build\` first`, { cause: error });
  });
  const csp = webContentSecurityPolicy(frameAncestors);
  await app.register(fastifyStatic, {
    root: join(WEB_DIST, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    // File names carry a hash of their content: a changed file is a new URL.
    immutable: true,
    maxAge: '365d',
    index: false,
  });
  const page = (_request: unknown, reply: FastifyReply) => {
    // helmet's X-Frame-Options (SAMEORIGIN) would refuse the embedding frame-ancestors allows.
    reply.raw.removeHeader('x-frame-options');
    return reply
      .header('content-security-policy', csp)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(index);
  };
  app.get('/', page);
  app.get(routePattern(MANAGE_PATH), page);
};
