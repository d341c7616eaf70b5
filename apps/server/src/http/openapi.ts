import { generateOpenApiDocument } from 'trpc-to-openapi';
import { ERROR_STATUS, ErrorBodySchema, type ErrorCode } from '@escape-room/booking-core/contract';
import { procedureMeta } from '../trpc/procedure-meta.js';
import { appRouter } from '../trpc/router.js';

export const REST_PREFIX = '/api/v1';

type Operation = { operationId?: string; responses?: Record<string, unknown> };

/**
 * The adapter documents errors with tRPC's own shape and every success as 200; this
 * rewrites each operation's responses to what the REST layer really sends: the success
 * status from the meta, and the contract's Error body listing the codes per status.
 */
function withContractResponses(operation: Operation, errors: ErrorCode[], successStatus = 200): void {
  const responses = operation.responses ?? {};
  const success = responses['200'];
  const rewritten: Record<string, unknown> = { [String(successStatus)]: success };
  const codesByStatus = new Map<number, ErrorCode[]>();
  for (const code of [...errors, 'INTERNAL_ERROR' as const]) {
    const status = ERROR_STATUS[code];
    codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of codesByStatus) {
    rewritten[String(status)] = {
      description: `code: ${codes.join(' | ')}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  operation.responses = rewritten;
}

export function buildOpenApiDocument() {
  const document = generateOpenApiDocument(appRouter, {
    title: 'Escape-room booking API',
    description:
      'Find free rooms, hold a slot for a few minutes, then confirm or release it. ' +
      'JSON with snake_case keys; times are ISO-8601 UTC. Every error has a stable `code`.',
    version: '1.0.0',
    baseUrl: REST_PREFIX,
    tags: ['Rooms', 'Bookings', 'Admin'],
    defs: { Error: ErrorBodySchema },
  });
  const metaByOperationId = new Map([...procedureMeta].map(([path, meta]) => [path.replace(/\./g, '-'), meta]));
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item as Record<string, Operation>)) {
      const meta = metaByOperationId.get(operation.operationId ?? '');
      if (meta) withContractResponses(operation, meta.errors ?? [], meta.successStatus);
    }
  }
  return document;
}
