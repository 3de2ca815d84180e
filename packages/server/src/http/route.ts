/**
 * Declarative routes (design §2, "HTTP surface"): a route is its schemas, its documented answers
 * plus a handler. Registering one validates the request with zod (422 FastAPI-style details on
 * failure), describes it in the OpenAPI document (http/openapi.ts) from those same schemas, and
 * marks which error shape its area uses: registry/engines `{"detail": …}`, serving `{"error": …}`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ErrorCode, SignalboxError } from '../errors.js';
import { parseOr422 } from '../validation.js';

export type ErrorStyle = 'registry' | 'serving';
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';

declare module 'fastify' {
  interface FastifyContextConfig {
    errorStyle?: ErrorStyle;
    public?: boolean;
  }
}

export interface RouteContext<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** The answer of a route that succeeds. */
export interface ResponseSpec {
  /** Default 200. */
  status?: number;
  description: string;
  /** The body's schema; a JSON body unless `contentType` says otherwise. */
  schema?: z.ZodType;
  /** Default `application/json` when there is a schema; no body when there is neither. */
  contentType?: string;
  /** A real answer (the README's worked example where it applies); required with a JSON schema. */
  example?: unknown;
  /** Response headers worth knowing, name → description. */
  headers?: Record<string, string>;
}

/** A request body a handler reads itself: documented, not validated by the route. */
export interface BodySpec {
  contentType: string;
  schema: z.ZodType;
  example: unknown;
}

/** Everything the OpenAPI document says about a route; a RouteSpec adds the handler. */
export interface OperationSpec<B = unknown, Q = unknown, P = unknown> {
  method: Method;
  url: string;
  summary: string;
  description?: string;
  tag: string;
  errorStyle?: ErrorStyle;
  /** No Bearer key needed (the intervention stream, the collector, health). */
  public?: boolean;
  /** Public, yet a Bearer key widens what may be asked (the intervention stream). */
  keyOptional?: boolean;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  bodyLimit?: number;
  /** Input the handler reads itself (events, the collector keep bad input as bad rows): documented only. */
  reads?: { query?: z.ZodType; bodies?: BodySpec[] };
  /** Example request parts; `body` is required with a `body` schema and must pass it. */
  examples?: { params?: Record<string, string | number>; query?: Record<string, string | number>; body?: unknown };
  response: ResponseSpec;
  /** Errors this route answers besides auth, validation and body parsing, with an example message each. */
  errors?: Partial<Record<ErrorCode, string>>;
}

export interface RouteSpec<B = unknown, Q = unknown, P = unknown> extends OperationSpec<B, Q, P> {
  handler: (ctx: RouteContext<B, Q, P>) => unknown;
}

/** Where routes are described; implemented by http/openapi.ts. */
export interface OpenApiCollector {
  describe(spec: OperationSpec): void;
}

/** Query-string booleans as FastAPI reads them. */
export const QueryBool = z
  .enum(['true', 'false', '1', '0', 'True', 'False'])
  .transform((v) => v === 'true' || v === '1' || v === 'True');

export const VersionParam = z.coerce.number().int().min(1).max(1_000_000);
export const NameParam = z.string().min(1).max(128);

/**
 * The status and body an error is answered with on a route of `style` — the one place that
 * shapes an error response (the error handler in app.ts and the documented errors use it).
 * Registry and engines answer FastAPI-style (`detail`, 422 for validation); the serving endpoints
 * answer `{"error"}` and report validation problems as 400 (reference §3.2).
 */
export function errorReply(error: SignalboxError, style: ErrorStyle): { status: number; body: Record<string, unknown> } {
  if (style === 'serving') {
    return { status: error.code === 'SIGNALBOX_ERR_REQUEST_INVALID' ? 400 : error.status, body: { error: error.message, code: error.code } };
  }
  return { status: error.status, body: { detail: error.details ?? error.message, code: error.code } };
}

export function defineRoute<B, Q, P>(app: FastifyInstance, openapi: OpenApiCollector, spec: RouteSpec<B, Q, P>): void {
  openapi.describe(spec as OperationSpec);
  app.route({
    method: spec.method,
    url: spec.url,
    ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}),
    config: { errorStyle: spec.errorStyle ?? 'registry', public: spec.public ?? false },
    handler: async (request, reply) => {
      const params = spec.params ? parseOr422(spec.params, request.params, 'path') : (request.params as P);
      const query = spec.query ? parseOr422(spec.query, request.query, 'query') : (request.query as Q);
      const body = spec.body ? parseOr422(spec.body, request.body, 'body') : (request.body as B);
      const result = await spec.handler({ body, query, params, request, reply });
      return reply.sent ? reply : result;
    },
  });
}
