/** Routes for interventions: SSE stream and direct push — issue 4. */
import type { FastifyInstance } from 'fastify';
import type { Signalbox } from '../../signalbox.js';
import type { OpenApiCollector } from '../route.js';

export function interventionRoutes(_app: FastifyInstance, _openapi: OpenApiCollector, _sb: Signalbox): void {
  // Not built yet.
}
