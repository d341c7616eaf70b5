import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { REST_PREFIX } from '@escape-room/api';

const require = createRequire(import.meta.url);
const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Escape-room booking API reference</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="reference"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

// Kept out of the page so a strict Content-Security-Policy needs no 'unsafe-inline'.
const INIT = `window.ui = SwaggerUIBundle({
  url: '${REST_PREFIX}/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  tryItOutEnabled: true,
});
`;

/** The interactive API reference, served entirely from this process (no CDN). */
export const docs: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { root: SWAGGER_UI_DIR, prefix: '/docs/assets/', decorateReply: false });
  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get('/docs/init.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(INIT));
};
