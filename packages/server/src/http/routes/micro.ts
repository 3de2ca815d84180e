/** Routes for the Snowplow Micro-compatible inspection API — issue 3. */
import type { FastifyInstance } from 'fastify';
import type { Signalbox } from '../../signalbox.js';
import type { OpenApiCollector } from '../route.js';

export function microRoutes(_app: FastifyInstance, _openapi: OpenApiCollector, _sb: Signalbox): void {
  // Not built yet.
}
