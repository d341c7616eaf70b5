import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { TRPCError } from '@trpc/server';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { INTERNAL_MESSAGE, codeForStatus, errorBody, statusFor } from '@escape-room/api';

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

/** How much of a refused body is read and dropped before the connection closes anyway. */
const DRAIN_LIMIT = { bytes: 16 * 1024 * 1024, ms: 5_000 };

/**
 * Reads and drops what is left of a body refused as too large, within bounds, before the refusal
 * goes out. Fastify answers as soon as Content-Length says too much and then closes the
 * connection; closing a socket with unread data resets it, and a client still sending its body
 * then never reads the 413 (it saw `EPIPE` about once in twenty megabyte bodies).
 */
function drainRefusedBody(raw: IncomingMessage): Promise<void> {
  if (raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const finish = () => {
      clearTimeout(timer);
      raw.off('data', onData).off('end', finish).off('error', finish).off('close', finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_LIMIT.bytes) finish();
    };
    const timer = setTimeout(finish, DRAIN_LIMIT.ms);
    raw.on('data', onData).once('end', finish).once('error', finish).once('close', finish);
    raw.resume();
  });
}

/**
 * Everything that fails outside the procedures (parsing, routing, limits) answers with the
 * same JSON error body as the procedures do. 5xx details go to the log, never to the client.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') await drainRefusedBody(request.raw);
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

/**
 * Failures Fastify's router meets before any route or error handler (a URL with a malformed
 * percent-escape): the same JSON error body too, where Fastify would send a shape of its own.
 */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message = error.code === 'FST_ERR_BAD_URL' ? 'The URL is not validly percent-encoded' : clientMessage(error);
  void reply.code(400).send(errorBody('VALIDATION_ERROR', message));
}

/**
 * Requests Node's HTTP parser rejects (a URL or headers over its limit, broken framing) never
 * reach Fastify's routes; they still get a JSON error body, then the connection closes.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return;
  const code = error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'VALIDATION_ERROR';
  const message = code === 'HEADERS_TOO_LARGE' ? 'The URL or headers are too large' : 'The request is not valid HTTP';
  const status = statusFor(code);
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Refusals are the API working as designed; only failures of our own deserve an error log. */
export function logProcedureError({ error, req, path }: { error: TRPCError; req: unknown; path?: string }): void {
  if (error.code !== 'INTERNAL_SERVER_ERROR') return;
  (req as FastifyRequest).log.error({ err: error.cause ?? error, procedure: path }, 'procedure failed');
}
