/**
 * Declarative routes: a route is its schemas plus a handler. Registering one validates the
 * request with zod (422 FastAPI-style details on failure), records it for the OpenAPI document,
 * and marks which error shape its area uses: registry/engines `{"detail": …}`, serving `{"error": …}`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseOr422 } from '../validation.js';

export type ErrorStyle = 'registry' | 'serving';

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

export interface RouteSpec<B = unknown, Q = unknown, P = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  summary: string;
  tag: string;
  errorStyle?: ErrorStyle;
  /** No Bearer key needed (the intervention stream, the collector). */
  public?: boolean;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  bodyLimit?: number;
  /** Request content types documented for the body (default application/json). */
  consumes?: string[];
  handler: (ctx: RouteContext<B, Q, P>) => unknown;
}

/** Query-string booleans as FastAPI reads them. */
export const QueryBool = z
  .enum(['true', 'false', '1', '0', 'True', 'False'])
  .transform((v) => v === 'true' || v === '1' || v === 'True');

export const VersionParam = z.coerce.number().int().min(1).max(1_000_000);
export const NameParam = z.string().min(1).max(128);

export interface OpenApiCollector {
  document: Record<string, unknown>;
  add(spec: RouteSpec<unknown, unknown, unknown>): void;
}

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}

export function openApiCollector(info: { title: string; version: string; description: string }): OpenApiCollector {
  const paths: Record<string, Record<string, unknown>> = {};
  const document = {
    openapi: '3.1.0',
    info,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
  return {
    document,
    add(spec) {
      const path = spec.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      const operation: Record<string, unknown> = {
        summary: spec.summary,
        tags: [spec.tag],
        responses: { '200': { description: 'Success (JSON body)' } },
      };
      if (!spec.public) operation['security'] = [{ bearer: [] }];
      const parameters: unknown[] = [];
      for (const m of spec.url.matchAll(/:([A-Za-z_]+)/g)) {
        parameters.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
      }
      if (spec.query) {
        const q = jsonSchema(spec.query) as { properties?: Record<string, unknown> };
        for (const [name, schema] of Object.entries(q.properties ?? {})) parameters.push({ name, in: 'query', schema });
      }
      if (parameters.length > 0) operation['parameters'] = parameters;
      if (spec.body) {
        const types = spec.consumes ?? ['application/json'];
        operation['requestBody'] = {
          required: true,
          content: Object.fromEntries(types.map((t) => [t, { schema: t === 'application/json' ? jsonSchema(spec.body!) : { type: 'string' } }])),
        };
      }
      (paths[path] ??= {})[spec.method.toLowerCase()] = operation;
    },
  };
}

export function defineRoute<B, Q, P>(app: FastifyInstance, openapi: OpenApiCollector, spec: RouteSpec<B, Q, P>): void {
  openapi.add(spec as RouteSpec<unknown, unknown, unknown>);
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
