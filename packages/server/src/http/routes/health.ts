/** `GET /health-all` (Signals' health shape), `GET /metrics` (Prometheus), `GET /openapi.json`. */
import type { FastifyInstance } from 'fastify';
import type { Signalbox } from '../../signalbox.js';
import type { OpenApiCollector } from '../route.js';

export function healthRoutes(app: FastifyInstance, openapi: OpenApiCollector, sb: Signalbox): void {
  app.get('/health-all', { config: { public: true } }, () => ({
    status: 'ok',
    dependencies: { storage: 'ok', feature_server: 'ok', event_log: 'ok' },
  }));
  app.get('/metrics', { config: { public: true } }, async (_request, reply) => {
    reply.header('content-type', sb.metrics.registry.contentType);
    return sb.metrics.registry.metrics();
  });
  app.get('/openapi.json', { config: { public: true } }, () => openapi.document);
}
