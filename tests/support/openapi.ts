import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ERROR_STATUS, type ErrorCode } from '@escape-room/booking-core/contract';

/**
 * Holds every REST answer the end-to-end tests receive to the OpenAPI document the same server
 * serves: the status must be listed for the operation, the JSON body must match that status's
 * schema (another body must be of a media type listed for it), and the headers the document
 * calls required must be there. `call` (http.ts) runs it
 * on each request under the REST prefix, so every suite checks the document as it goes.
 *
 * Exempt, because no document can describe them: the document itself, and the answers to a
 * method and path no operation has (an unknown path, a wrong method on a known one, an empty
 * path parameter). Those may only be the generic 404 or a 405 naming the methods there are, or a refusal the server makes before it
 * knows there is no operation (the body or the URL itself: 400, 413, 415, 431), and must still
 * carry the contract's Error body.
 */

const REST_PREFIX = '/api/v1';
const WITHOUT_OPERATION = new Set<ErrorCode>(['NOT_FOUND', 'METHOD_NOT_ALLOWED', 'VALIDATION_ERROR', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'HEADERS_TOO_LARGE']);
export const DOCUMENT_PATH = `${REST_PREFIX}/openapi.json`;
const DOCUMENT_ID = 'openapi.json';

type Json = Record<string, any>;
export interface OpenApiDocument { paths: Record<string, Record<string, Json>>; components: Json }

/** What the check needs of a response; http.ts's JsonResponse is one. */
export interface ReceivedResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A REST answer the document does not describe; not a network failure, so never swallowed as one. */
export class UndocumentedResponseError extends Error {
  override name = 'UndocumentedResponseError';
}

/** A JSON pointer into the document, as a URI fragment ajv resolves. */
function pointer(...tokens: string[]): string {
  return `${DOCUMENT_ID}#/${tokens.map((token) => encodeURIComponent(token.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
}

export class DocumentCheck {
  private readonly ajv = new Ajv2020({
    allErrors: true,
    // The document is a whole OpenAPI file, not a bare schema: its `openapi`, `paths` and the
    // schemas' `example` keywords are not JSON Schema vocabulary, and that is not an error here.
    strict: false,
  });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes: { template: string; pattern: RegExp }[];

  constructor(readonly document: OpenApiDocument) {
    addFormats.default(this.ajv);
    this.ajv.addSchema(document, DOCUMENT_ID);
    // The adapter matches paths case-insensitively, one segment per parameter.
    this.routes = Object.keys(document.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`, 'i'),
    }));
  }

  /** The documented operation for a method and a path below the prefix, if there is one. */
  operation(method: string, path: string): { template: string; operation: Json } | undefined {
    const normalised = path.replace(/\/+$/, '') || '/';
    for (const { template, pattern } of this.routes) {
      const operation = this.document.paths[template]?.[method.toLowerCase()];
      if (operation && pattern.test(normalised)) return { template, operation };
    }
    return undefined;
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    return validate;
  }

  private mismatch(ref: string, body: unknown): string | undefined {
    const validate = this.validator(ref);
    return validate(body) ? undefined : this.ajv.errorsText(validate.errors, { dataVar: 'body' });
  }

  /** What is wrong with a response to `method url` (url may carry a query), or undefined. */
  problem(method: string, url: string, response: ReceivedResponse): string | undefined {
    // As the server reads it: dot segments resolved (`/bookings/./extend` is `/bookings/extend`).
    const path = new URL(url, 'http://localhost').pathname;
    if (!path.startsWith(`${REST_PREFIX}/`) || path === DOCUMENT_PATH) return undefined;
    const label = `${method} ${path.length > 120 ? `${path.slice(0, 120)}…` : path} answered ${response.status}`;
    const found = this.operation(method, path.slice(REST_PREFIX.length));
    if (!found) {
      const generic = this.mismatch(pointer('components', 'schemas', 'Error'), response.body);
      const code = (response.body as { code?: ErrorCode } | null)?.code;
      if (!generic && code && WITHOUT_OPERATION.has(code) && ERROR_STATUS[code] === response.status) return undefined;
      return `${label} ${JSON.stringify(response.body).slice(0, 300)}, but no operation has this method and path`;
    }
    const { template, operation } = found;
    const where = `${method.toUpperCase()} ${template}`;
    const documented = operation.responses?.[String(response.status)];
    if (!documented) {
      return `${label} ${JSON.stringify(response.body).slice(0, 300)}, a status ${where} does not document (it lists ${Object.keys(operation.responses ?? {}).join(', ')})`;
    }
    for (const [name, header] of Object.entries((documented.headers ?? {}) as Record<string, Json>)) {
      if (header.required && !response.headers.has(name)) return `${label} without the ${name} header ${where} requires`;
    }
    // A body that is not JSON (a calendar file) must be of a media type the status documents.
    const media = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (media && media !== 'application/json') {
      return documented.content?.[media] ? undefined : `${label} as ${media}, which ${where} does not document for it`;
    }
    if (!documented.content?.['application/json']) return `${label}, but ${where} documents no JSON body for it`;
    const ref = pointer('paths', template, method.toLowerCase(), 'responses', String(response.status), 'content', 'application/json', 'schema');
    const wrong = this.mismatch(ref, response.body);
    return wrong && `${label} ${JSON.stringify(response.body).slice(0, 300)}, which does not match what ${where} documents for it: ${wrong}`;
  }
}

const checks = new Map<string, Promise<DocumentCheck>>();

/** The check for one server, built from its document on first use (a failed fetch is not kept). */
export function documentCheck(baseUrl: string): Promise<DocumentCheck> {
  let check = checks.get(baseUrl);
  if (!check) {
    check = fetch(`${baseUrl}${DOCUMENT_PATH}`).then(async (response) => {
      if (!response.ok) throw new Error(`GET ${DOCUMENT_PATH} answered ${response.status}`);
      return new DocumentCheck((await response.json()) as OpenApiDocument);
    });
    check.catch(() => checks.delete(baseUrl));
    checks.set(baseUrl, check);
  }
  return check;
}

/** True for the requests whose answers the document describes (or must explain why not). */
export function isRestRequest(path: string): boolean {
  return path.startsWith(`${REST_PREFIX}/`) && path.split('?')[0] !== DOCUMENT_PATH;
}
