import { UndocumentedResponseError, documentCheck, isRestRequest } from './openapi.js';

export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

interface RequestOptions {
  /** A value to send as JSON, or a raw string sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * One real HTTP request; the body is parsed as JSON when the server says it is JSON. An answer
 * under the REST prefix must be one the server's OpenAPI document describes (openapi.ts): if
 * not, this throws an UndocumentedResponseError. The document is fetched before the request,
 * so a server that stops meanwhile (the shutdown tests) still has its answer checked.
 */
export async function call<T = any>(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<JsonResponse<T>> {
  const check = isRestRequest(path) ? await documentCheck(baseUrl) : undefined;
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (typeof options.body === 'string') body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('application/json');
  const result = { status: response.status, headers: response.headers, body: (isJson ? JSON.parse(text) : text) as T };
  const problem = check?.problem(method, path, result);
  if (problem) throw new UndocumentedResponseError(problem);
  return result;
}

const HOUR = 3_600_000;

/**
 * Slots for one test file, on whole hours counted from a base hour fixed once, when the file
 * calls this (the next whole hour by default). Reading the clock for every slot would let two
 * calls meant to name one slot straddle an hour, and turn an expected 409 into a 201.
 */
export function fixedHours(base = Math.ceil(Date.now() / HOUR) * HOUR) {
  /** A slot starting `hoursAhead` whole hours after the base, `hours` long. */
  const slot = (hoursAhead: number, hours = 1): { start_date: string; end_date: string } => ({
    start_date: new Date(base + hoursAhead * HOUR).toISOString(),
    end_date: new Date(base + (hoursAhead + hours) * HOUR).toISOString(),
  });
  /** The body of a one-hour hold on `slot(hoursAhead)`. */
  const holdBody = (roomId: number, hoursAhead: number, email = 'ada@example.com') => ({
    room_id: roomId,
    guest: { name: 'Ada Lovelace', email },
    ...slot(hoursAhead),
  });
  return { base, slot, holdBody };
}
