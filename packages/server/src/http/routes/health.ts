/**
 * `GET /health-all` (Signals' health shape, with every component's state: health/), `GET /metrics`
 * (Prometheus), `GET /openapi.json`. `/health-all` answers 503 when a critical component fails,
 * else 200 with `ok` or `degraded` (health/report.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Registry as MetricsRegistry } from 'prom-client';
import { z } from 'zod';
import { COMPONENTS, HealthResponse, healthReport, httpStatusOf } from '../../health/report.js';
import type { ApiDescription } from '../openapi.js';
import { defineRoute } from '../route.js';

const HEALTH_EXAMPLE = healthReport(
  Object.fromEntries(COMPONENTS.map((name) => [name, { status: 'ok', critical: name === 'event_log', detail: 'ok' }])) as Parameters<typeof healthReport>[0],
);

const METRICS_EXAMPLE = [
  '# HELP signalbox_events_rejected_total Enriched events rejected as malformed',
  '# TYPE signalbox_events_rejected_total counter',
  'signalbox_events_rejected_total 1',
  '',
].join('\n');

export interface HealthRouteOptions {
  openapi: ApiDescription;
  /** Check every component now (health/checks.ts). */
  checkHealth: () => Promise<HealthResponse>;
  metrics: MetricsRegistry;
}

export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, { openapi, checkHealth, metrics }) => {
  const common = { tag: 'operations', public: true } as const;
  defineRoute(app, openapi, {
    ...common, method: 'GET', url: '/health-all', summary: 'Health of the server and its components',
    response: {
      description: 'The overall status and each component\'s',
      schema: HealthResponse,
      example: HEALTH_EXAMPLE,
    },
    handler: async ({ reply }) => {
      const report = await checkHealth();
      reply.status(httpStatusOf(report));
      return report;
    },
  });
  defineRoute(app, openapi, {
    ...common, method: 'GET', url: '/metrics', summary: 'Prometheus metrics',
    response: { description: 'The Prometheus text format', contentType: 'text/plain; version=0.0.4', schema: z.string(), example: METRICS_EXAMPLE },
    handler: async ({ reply }) => {
      reply.header('content-type', metrics.contentType);
      return metrics.metrics();
    },
  });
  defineRoute(app, openapi, {
    ...common, method: 'GET', url: '/openapi.json', summary: 'This document (OpenAPI 3.1)',
    response: { description: 'The OpenAPI document', contentType: 'application/json', example: { openapi: '3.1.0', info: { title: 'Signalbox API' } } },
    handler: () => openapi.document,
  });
};
