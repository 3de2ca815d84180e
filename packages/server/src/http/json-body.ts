/**
 * The one reader of `application/json` request bodies (design §2 "HTTP surface", docs/limits.md).
 * Size is bounded by each route's body limit before this runs; here the depth is measured (with
 * core's stack-free walk) before zod or any handler walks the value, and keys that would reach
 * `Object.prototype` are refused as Fastify's own parser refuses them.
 *
 * An EMPTY body is no body. Clients send `Content-Type: application/json` on requests that carry
 * nothing: the Signals Python SDK's `delete`, and curl with the README's header array and
 * `-X DELETE`. Such a request reaches its route with `body === undefined`: a route without a body
 * schema ignores it, a route with one answers the usual 422 naming `body`.
 */
import { MAX_JSON_DEPTH, nestsDeeperThan, tooDeepReason } from '@signalbox/core/internal';
import type { FastifyInstance } from 'fastify';
import { SignalboxError } from '../errors.js';

export interface JsonBodyLimits {
  /** Levels of arrays and objects a body may nest; the body itself is level 1. */
  readonly maxDepth: number;
}

export const JSON_BODY_LIMITS: JsonBodyLimits = { maxDepth: MAX_JSON_DEPTH };

/** A `__proto__` key, or a `constructor` key holding a `prototype`: Fastify's definition of poisoning. */
function poisoned(node: object): boolean {
  if (Object.hasOwn(node, '__proto__')) return true;
  const ctor: unknown = Object.hasOwn(node, 'constructor') ? (node as Record<string, unknown>)['constructor'] : undefined;
  return typeof ctor === 'object' && ctor !== null && Object.hasOwn(ctor, 'prototype');
}

/** Walks a value already known to be shallow; the depth check comes first. */
function findPoisoned(value: unknown): boolean {
  const nodes: unknown[] = [value];
  while (nodes.length > 0) {
    const node = nodes.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (!Array.isArray(node) && poisoned(node)) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (typeof child === 'object' && child !== null) nodes.push(child);
  }
  return false;
}

/**
 * Parses a JSON body: undefined when it is empty; 400 when it is not JSON or carries a prototype-poisoning key; 422
 * (`loc: ["body"]`, type `json_too_deep`; serving routes answer validation problems as 400) when it
 * nests deeper than `limits.maxDepth`.
 */
export function parseJsonBody(text: string, limits: JsonBodyLimits): unknown {
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SignalboxError('SIGNALBOX_ERR_REQUEST_BAD', `the body is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (nestsDeeperThan(value, limits.maxDepth)) {
    const msg = `the body ${tooDeepReason(limits.maxDepth)}`;
    throw new SignalboxError('SIGNALBOX_ERR_REQUEST_INVALID', msg, { details: [{ loc: ['body'], msg, type: 'json_too_deep' }] });
  }
  if (findPoisoned(value)) throw new SignalboxError('SIGNALBOX_ERR_REQUEST_BAD', 'Object contains forbidden prototype property');
  return value;
}

/** Install `parseJsonBody` as the app's `application/json` parser; routes keep their own `bodyLimit`. */
export function useJsonBodyParser(app: FastifyInstance, limits: JsonBodyLimits = JSON_BODY_LIMITS): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string, limits));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
