import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Far deeper than any body of the contract (which nests two levels), far shallower than a stack. */
export const MAX_JSON_DEPTH = 32;

/** How deeply a parsed JSON value nests, measured without recursion. */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [current, depth] = entry;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

class JsonTooDeep extends Error {
  readonly statusCode = 400;
  constructor() {
    super(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
}

/**
 * The REST body parser: Fastify's own (prototype-poisoning checks included), except that an
 * absent body is no error and a pathologically nested one is refused before anything
 * downstream walks it recursively.
 */
export function useContractJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body, done) => {
    if (body.length === 0) return done(null, undefined);
    // Fastify's own parser is the callback kind: the Promise its type allows never comes back.
    void parseJson(request, body.toString(), (error, parsed) => {
      if (error) return done(error);
      return jsonDepth(parsed) > MAX_JSON_DEPTH ? done(new JsonTooDeep()) : done(null, parsed);
    });
  });
}
