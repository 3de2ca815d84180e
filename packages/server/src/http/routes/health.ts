/**
 * `GET /health-all` (Signals' health shape, with every component's state: health/), `GET /metrics`
 * (Prometheus), `GET /openapi.json`. `/health-all` answers 503 when a critical component fails,
 * else 200 with `ok` or `degraded` (health/report.ts).
 */
import type { FastifyInstance } from 'fastify';
import { type HealthSources, checkHealth } from '../../health/checks.js';
import { httpStatusOf } from '../../health/report.js';
import type { Signalbox } from '../../signalbox.js';
import type { OpenApiCollector } from '../route.js';

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

export function healthRoutes(app: FastifyInstance, openapi: OpenApiCollector, sb: Signalbox): void {
  app.get('/health-all', { config: { public: true } }, async (_request, reply) => {
    const report = await checkHealth(healthSources(sb));
    return reply.status(httpStatusOf(report)).send(report);
  });
  app.get('/metrics', { config: { public: true } }, async (_request, reply) => {
    reply.header('content-type', sb.metrics.registry.contentType);
    return sb.metrics.registry.metrics();
  });
  app.get('/openapi.json', { config: { public: true } }, () => openapi.document);
}
