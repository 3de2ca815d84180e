/**
 * The HTTP surface on one port (design §2): the Signals API under /api/v1, health, metrics,
 * OpenAPI at /openapi.json and /docs, `GET /` redirecting to the docs. Auth, content types (an
 * empty JSON body is no body), error shapes and 404s are set here once.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { toSignalboxError } from '../errors.js';
import { type HealthSources, checkHealth } from '../health/checks.js';
import type { Signalbox } from '../signalbox.js';
import type { LoggedEvent } from '../stream/durability.js';
import { checkBearerKey } from './api-key.js';
import { useJsonBodyParser } from './json-body.js';
import { apiDescription } from './openapi.js';
import { defineRoute, errorReply } from './route.js';
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
export const API_TITLE = 'Signalbox API';

const TAGS = [
  { name: 'registry', description: 'Attribute keys, attribute groups, services and rule interventions (the Signals definitions API)' },
  { name: 'engines', description: 'Publish and unpublish; what the stream engine computes' },
  { name: 'serving', description: 'Read attributes; delete what is stored for an identifier' },
  { name: 'interventions', description: 'Subscribe to interventions (server-sent events) and push them' },
  { name: 'webhooks', description: 'Server-side intervention sinks and their dead letters' },
  { name: 'events', description: 'Send enriched events; read bad rows' },
  { name: 'collector', description: 'The Snowplow collector the trackers send to (no key)' },
  { name: 'micro', description: 'Snowplow Micro-compatible inspection of what was received (no key)' },
  { name: 'operations', description: 'Health, metrics and this description (no key)' },
];

/** The top-bar logo of the docs page (the UI's default is Fastify's). */
const LOGO = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="260" height="40" viewBox="0 0 260 40">' +
    '<text x="0" y="29" fill="#ffffff" font-family="sans-serif" font-size="26" font-weight="bold">Signalbox API</text></svg>',
);

/** What the health checks read, from the composed Signalbox. */
function healthSources(sb: Signalbox): HealthSources {
  const { dispatcher, webhooks, evaluator } = sb.interventions;
  return {
    dataDir: sb.config.dataDir,
    clock: sb.clock,
    store: sb.store,
    engine: sb.engine,
    publishedInterventions: () => evaluator.interventions.length,
    eventLog: { lastFailure: sb.durability.lastFailure, bytes: () => sb.durability.eventLog.bytesAfter({ segment: 0, offset: 0 }) },
    loader: sb.loader,
    webhooks: { pendingCount: dispatcher.pendingCount, retrying: () => dispatcher.retrying(), count: () => webhooks.list().length },
  };
}


export async function buildApp(sb: Signalbox, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Per-request log lines cost more than a read; errors are still logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
  }) as unknown as FastifyInstance;
  const openapi = apiDescription(
    {
      title: API_TITLE,
      version: '0.1.0',
      description:
        'Signalbox: a self-hosted real-time personalization engine, wire-compatible with the Snowplow Signals API. ' +
        '`/api/v1` needs `Authorization: Bearer <key>`. The examples follow the README\'s worked example.',
    },
    TAGS,
  );
  openapi.watch(app);
  app.decorate('apiDescription', openapi);

  // One bounded JSON reader: an empty body is no body, depth is checked first; see json-body.ts.
  useJsonBodyParser(app);
  // Enriched TSV arrives as text; keep it a string for the events route to split.
  app.addContentTypeParser(['text/tab-separated-values', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/v1/') || request.routeOptions.config?.public) return;
    checkBearerKey(request.headers.authorization, sb.apiKey.sha256);
  });

  // Request latency per route for /metrics; before the routes, so it times all of them.
  sb.metrics.observeRequests(app);

  app.setErrorHandler((error, request, reply) => {
    const e = toSignalboxError(error);
    if (e.status >= 500) request.log.error({ err: error }, 'request failed');
    const { status, body } = errorReply(e, request.routeOptions.config?.errorStyle ?? 'registry');
    if (status === 401) reply.header('www-authenticate', 'Bearer');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ detail: `no route ${request.method} ${request.url.split('?')[0]}`, code: 'SIGNALBOX_ERR_ROUTE_NOT_FOUND' }),
  );

  await app.register(swagger, { mode: 'static', specification: { document: openapi.document as never } });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    theme: { title: API_TITLE },
    logo: { type: 'image/svg+xml', content: LOGO },
    uiConfig: { docExpansion: 'list', defaultModelsExpandDepth: 0 },
  });
  openapi.describe({
    method: 'GET', url: '/docs', tag: 'operations', public: true, summary: 'This description in Swagger UI',
    response: { description: 'The Swagger UI page', contentType: 'text/html' },
  });
  defineRoute(app, openapi, {
    method: 'GET', url: '/', tag: 'operations', public: true, summary: 'Where to start: redirects to the API docs',
    response: { status: 302, description: 'To /docs', headers: { location: '`/docs`' } },
    handler: ({ reply }) => reply.redirect('/docs', 302),
  });

  // Each area is a plugin given only the services it uses (design §4 "Composition by role").
  const { registry, badRows, metrics, interventions, clock } = sb;
  const ingest = (events: LoggedEvent[]) => sb.ingest(events);
  await app.register(registryRoutes, { openapi, registry, deleteGroupVersion: (name, version) => sb.deleteGroupVersion(name, version) });
  await app.register(engineRoutes, { openapi, registry, publishedAt: () => sb.publishedAt() });
  await app.register(servingRoutes, {
    openapi, clock, onlineAttributes: sb.onlineAttributes, deleteIdentifier: (key, id) => sb.durability.deleteIdentifier(key, id),
  });
  await app.register(eventRoutes, { openapi, badRows, ingest, metrics });
  await app.register(healthRoutes, { openapi, metrics: metrics.registry, checkHealth: () => checkHealth(healthSources(sb)) });
  await app.register(badRowRoutes, { openapi, badRows });
  await app.register(collectorRoutes, { openapi, badRows, ingest, metrics, clock });
  await app.register(microRoutes, { openapi, badRows, addEventSink: (sink) => sb.addEventSink(sink) });
  await app.register(interventionRoutes, { openapi, interventions, clock, checkKey: (header) => checkBearerKey(header, sb.apiKey.sha256) });
  return app;
}
