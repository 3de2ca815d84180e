/** `GET /health-all` (Signals' health shape), `GET /metrics` (Prometheus), `GET /openapi.json`. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Signalbox } from '../../signalbox.js';
import type { ApiDescription } from '../openapi.js';
import { HealthResponse } from '../responses.js';
import { defineRoute } from '../route.js';

const METRICS_EXAMPLE = [
  '# HELP signalbox_events_rejected_total Enriched events rejected as malformed',
  '# TYPE signalbox_events_rejected_total counter',
  'signalbox_events_rejected_total 1',
  '',
].join('\n');

export function healthRoutes(app: FastifyInstance, openapi: ApiDescription, sb: Signalbox): void {
  const common = { tag: 'operations', public: true } as const;
  defineRoute(app, openapi, {
    ...common, method: 'GET', url: '/health-all', summary: 'Health of the server and its components',
    response: {
      description: 'The overall status and each component\'s',
      schema: HealthResponse,
      example: { status: 'ok', dependencies: { storage: 'ok', feature_server: 'ok', event_log: 'ok' } },
    },
    handler: () => ({
      status: 'ok',
      dependencies: { storage: 'ok', feature_server: 'ok', event_log: 'ok' },
    }),
  });
  defineRoute(app, openapi, {
    ...common, method: 'GET', url: '/metrics', summary: 'Prometheus metrics',
    response: { description: 'The Prometheus text format', contentType: 'text/plain; version=0.0.4', schema: z.string(), example: METRICS_EXAMPLE },
    handler: async ({ reply }) => {
      reply.header('content-type', sb.metrics.registry.contentType);
      return sb.metrics.registry.metrics();
    },
  });
  defineRoute(app, openapi, {
    ...common, method: 'GET', url: '/openapi.json', summary: 'This document (OpenAPI 3.1)',
    response: { description: 'The OpenAPI document', contentType: 'application/json', example: { openapi: '3.1.0', info: { title: 'Signalbox API' } } },
    handler: () => openapi.document,
  });
}
