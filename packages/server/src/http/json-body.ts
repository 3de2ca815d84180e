/**
 * How every route reads an `application/json` body (design §2, "HTTP surface"): Fastify's own
 * parser — secure-json-parse refusing `__proto__` and `constructor.prototype` keys, within the
 * route's body limit — except that an EMPTY body is no body. Clients send
 * `Content-Type: application/json` on requests that carry nothing: the Signals Python SDK's
 * `delete`, and curl with the README's header array and `-X DELETE`. Such a request reaches its
 * route with `body === undefined`: a route without a body schema ignores it, a route with one
 * answers the usual 422 naming `body`.
 *
 * One named parser so that further input bounds (nesting depth) have one place to go.
 */
import type { FastifyBodyParser, FastifyInstance } from 'fastify';

/** Wraps Fastify's default JSON parser (kept for its prototype-poisoning protection): empty means absent. */
export function jsonBodyParser(parseJson: FastifyBodyParser<string>): FastifyBodyParser<string> {
  return function parseJsonBody(request, body, done) {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    // Fastify's parser answers through `done` (it returns nothing to wait for).
    void parseJson(request, body, done);
  };
}

/** Replace the app's `application/json` parser; routes keep their own `bodyLimit`, the app's applies otherwise. */
export function useJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser(parseJson));
}
