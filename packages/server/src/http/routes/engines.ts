/** `/api/v1/engines/*`: publish and unpublish by reference, and what the engines compute. */
import { PublishRequest } from '@signalbox/core';
import type { FastifyInstance } from 'fastify';
import type { Signalbox } from '../../signalbox.js';
import { type OpenApiCollector, defineRoute } from '../route.js';

export function engineRoutes(app: FastifyInstance, openapi: OpenApiCollector, sb: Signalbox): void {
  const { registry } = sb;
  defineRoute(app, openapi, {
    method: 'POST', url: '/api/v1/engines/publish', tag: 'engines', summary: 'Publish attribute keys, groups, services and interventions', body: PublishRequest,
    handler: ({ body }) => ({ status: registry.setPublished(body, true) > 0 ? 'published' : 'nothing to publish' }),
  });
  defineRoute(app, openapi, {
    method: 'POST', url: '/api/v1/engines/unpublish', tag: 'engines', summary: 'Unpublish (stored values are kept)', body: PublishRequest,
    handler: ({ body }) => ({ status: registry.setPublished(body, false) > 0 ? 'unpublished' : 'nothing to unpublish' }),
  });
  defineRoute(app, openapi, {
    method: 'GET', url: '/api/v1/engines/stream_attributes', tag: 'engines', summary: 'The attributes the stream engine computes, deduplicated by definition hash',
    handler: () => ({ attributes: registry.streamView(), published_at: sb.publishedAt() }),
  });
  defineRoute(app, openapi, {
    method: 'GET', url: '/api/v1/engines/interventions', tag: 'engines', summary: 'The published rule interventions the stream engine evaluates',
    handler: () => ({ interventions: registry.publishedInterventions(), published_at: sb.publishedAt() }),
  });
}
