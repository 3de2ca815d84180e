/**
 * The HTTP surface on one port (design §2): the Signals API under /api/v1, health, metrics,
 * OpenAPI at /openapi.json and /docs. Auth, content types, error shapes and 404s are set here once.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { SignalboxError, toSignalboxError } from '../errors.js';
import type { Signalbox } from '../signalbox.js';
import { keyMatches } from './api-key.js';
import { JSON_BODY_LIMITS, parseJsonBody } from './json-body.js';
import { openApiCollector } from './route.js';
import { engineRoutes } from './routes/engines.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { registryRoutes } from './routes/registry.js';
import { servingRoutes } from './routes/serving.js';
import { badRowRoutes } from './routes/bad-rows.js';
import { collectorRoutes } from './routes/collector.js';
import { interventionRoutes } from './routes/interventions.js';
import { microRoutes } from './routes/micro.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export async function buildApp(sb: Signalbox, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Per-request log lines cost more than a read; errors are still logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
  }) as unknown as FastifyInstance;
  const openapi = openApiCollector({
    title: 'Signalbox',
    version: '0.1.0',
    description: 'Signalbox: a self-hosted real-time personalization engine, wire-compatible with the Snowplow Signals API.',
  });

  // JSON bodies go through one bounded reader: depth is checked before zod or a handler walks them.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string, JSON_BODY_LIMITS));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  // Enriched TSV arrives as text; keep it a string for the events route to split.
  app.addContentTypeParser(['text/tab-separated-values', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/v1/') || request.routeOptions.config?.public) return;
    const header = request.headers.authorization;
    if (!header) {
      throw new SignalboxError('SIGNALBOX_ERR_AUTH_MISSING_KEY', 'missing API key: send "Authorization: Bearer <key>"');
    }
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !keyMatches(match[1]!.trim(), sb.apiKey)) {
      throw new SignalboxError('SIGNALBOX_ERR_AUTH_WRONG_KEY', 'wrong API key');
    }
  });

  app.setErrorHandler((error, request, reply) => {
    const e = toSignalboxError(error);
    if (e.status >= 500) request.log.error({ err: error }, 'request failed');
    // Registry and engines answer FastAPI-style (`detail`, 422 for validation); the serving
    // endpoints answer `{"error"}` and report validation problems as 400 (reference §3.2).
    const serving = request.routeOptions.config?.errorStyle === 'serving';
    const status = serving && e.code === 'SIGNALBOX_ERR_REQUEST_INVALID' ? 400 : e.status;
    const body = serving ? { error: e.message, code: e.code } : { detail: e.details ?? e.message, code: e.code };
    if (status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ detail: `no route ${request.method} ${request.url.split('?')[0]}`, code: 'SIGNALBOX_ERR_ROUTE_NOT_FOUND' }),
  );

  await app.register(swagger, { mode: 'static', specification: { document: openapi.document as never } });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registryRoutes(app, openapi, sb);
  engineRoutes(app, openapi, sb);
  servingRoutes(app, openapi, sb);
  eventRoutes(app, openapi, sb);
  healthRoutes(app, openapi, sb);
  badRowRoutes(app, openapi, sb);
  collectorRoutes(app, openapi, sb);
  microRoutes(app, openapi, sb);
  interventionRoutes(app, openapi, sb);
  return app;
}
