import { generateOpenApiDocument } from 'trpc-to-openapi';
import { ERROR_STATUS, CALENDAR_PATH, ErrorBodySchema, REST_PREFIX, type ErrorCode } from '@escape-room/booking-core/contract';
import type { Meta } from './trpc.js';
import { procedureMeta } from './procedure-meta.js';
import { appRouter } from './root.js';
import { TAGS } from './rest-meta.js';
import { calendarFile, calendarOperation } from './calendar.js';

export { REST_PREFIX };


/** What a status always carries besides its body: a 429 says when the budget has room again. */
const HEADERS_BY_STATUS: Record<number, Record<string, unknown>> = {
  429: {
    'Retry-After': {
      description: 'Seconds to wait before the budget this call spends from has room again',
      required: true,
      schema: { type: 'integer', minimum: 1 },
    },
  },
};

interface Operation { operationId?: string; security?: unknown[]; responses?: Record<string, unknown> }

/**
 * The contract's error body, with `code` narrowed to the codes this status can carry here, so
 * a generated client reads a 404 of `GET /bookings/{booking_id}` as `BOOKING_NOT_FOUND` only.
 */
function errorResponse(status: number, codes: ErrorCode[]) {
  return {
    description: `code: ${codes.join(' | ')}`,
    headers: HEADERS_BY_STATUS[status],
    content: {
      'application/json': {
        schema: {
          allOf: [
            { $ref: '#/components/schemas/Error' },
            { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: codes } } },
          ],
        },
      },
    },
  };
}

/**
 * The adapter documents every success as 200 and leaves errors to us (see rest-meta.ts); this
 * sets what the REST layer really sends: the success status from the meta, each status the
 * meta's codes travel under, and who may call (an empty `security` says: anyone).
 */
function describeOperation(operation: Operation, meta: Meta): void {
  const responses = operation.responses ?? {};
  const rewritten: Record<string, unknown> = { [String(meta.successStatus ?? 200)]: responses['200'] };
  const codesByStatus = new Map<number, ErrorCode[]>();
  for (const code of meta.errors ?? []) {
    const status = ERROR_STATUS[code];
    codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...codesByStatus].sort(([a], [b]) => a - b)) {
    rewritten[String(status)] = errorResponse(status, codes);
  }
  operation.responses = rewritten;
  if (!meta.openapi?.protect) operation.security = [];
}

export function buildOpenApiDocument() {
  const document = generateOpenApiDocument(appRouter, {
    title: 'Escape-room booking API',
    description:
      'Find free rooms, hold a slot for a few minutes, then confirm or release it. ' +
      'JSON with snake_case keys; times are ISO-8601 UTC. Every error has a stable `code`.',
    version: '1.0.0',
    baseUrl: REST_PREFIX,
    tags: TAGS.map((tag) => tag.name),
    defs: { Error: ErrorBodySchema },
  });
  document.tags = [...TAGS];
  const metaByOperationId = new Map([...procedureMeta].map(([path, meta]) => [path.replace(/\./g, '-'), meta]));
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item as Record<string, Operation>)) {
      const meta = metaByOperationId.get(operation.operationId ?? '');
      if (meta) describeOperation(operation, meta);
    }
  }
  const calendar = calendarOperation();
  describeOperation(calendar, calendarFile.meta);
  document.paths = { ...document.paths, [CALENDAR_PATH]: { get: calendar } };
  return document;
}
