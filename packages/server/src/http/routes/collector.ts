/** Routes for the Snowplow collector (tp2, GET /i) — issue 3. */
import type { FastifyInstance } from 'fastify';
import type { Signalbox } from '../../signalbox.js';
import type { OpenApiCollector } from '../route.js';

export function collectorRoutes(_app: FastifyInstance, _openapi: OpenApiCollector, _sb: Signalbox): void {
  // Not built yet.
}
