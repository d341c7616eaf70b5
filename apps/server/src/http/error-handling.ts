import type { FastifyError, FastifyInstance } from 'fastify';
import { INTERNAL_MESSAGE, codeForStatus, errorBody, statusFor } from './errors.js';

/** Messages for the failures Fastify itself detects before any procedure runs. */
function clientMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is larger than this server accepts';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Send the body as application/json';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'Content-Length does not match the body';
    default:
      return error instanceof SyntaxError ? 'The request body is not valid JSON' : error.message;
  }
}

/**
 * Everything that fails outside the procedures (parsing, routing, limits) answers with the
 * same JSON error body as the procedures do. 5xx details go to the log, never to the client.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const code = codeForStatus(error.statusCode ?? 500);
    const status = statusFor(code);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(status).send(errorBody(code, status >= 500 ? INTERNAL_MESSAGE : clientMessage(error)));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]?.slice(0, 200);
    return reply.status(404).send(errorBody('NOT_FOUND', `Nothing is served at ${request.method} ${path}`));
  });
}
