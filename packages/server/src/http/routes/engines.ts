/** `/api/v1/engines/*`: publish and unpublish by reference, and what the engines compute. */
import { PublishRequest } from '@signalbox/core';
import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from '../../registry/registry.js';
import { BIG_CART, PUBLISHED_AT, PUBLISH_REQUEST, STREAM_ATTRIBUTES } from '../examples.js';
import { EngineInterventionsResponse, PublishResponse, StreamAttributesResponse, UnpublishResponse } from '../responses.js';
import { type OpenApiCollector, defineRoute } from '../route.js';

const unresolved = { SIGNALBOX_ERR_REGISTRY_NOT_FOUND: 'attribute group "shopper" version 1 not found' };

export interface EngineRouteOptions {
  openapi: OpenApiCollector;
  registry: Pick<Registry, 'setPublished' | 'streamView' | 'publishedInterventions'>;
  /** When the published set last changed (ISO-8601). */
  publishedAt: () => string;
}

export const engineRoutes: FastifyPluginAsync<EngineRouteOptions> = async (app, { openapi, registry, publishedAt }) => {
  defineRoute(app, openapi, {
    method: 'POST', url: '/api/v1/engines/publish', tag: 'engines', summary: 'Publish attribute keys, groups, services and interventions', body: PublishRequest,
    examples: { body: PUBLISH_REQUEST },
    response: { description: '`nothing to publish` when everything named was published already', schema: PublishResponse, example: { status: 'published' } },
    errors: {
      ...unresolved,
      SIGNALBOX_ERR_REGISTRY_UNRESOLVED: 'intervention "big_cart" references "shopper:cart_total", but no published version of attribute group "shopper" has attribute "cart_total"',
    },
    handler: async ({ body }) => ({ status: (await registry.setPublished(body, true)) > 0 ? 'published' : 'nothing to publish' }),
  });
  defineRoute(app, openapi, {
    method: 'POST', url: '/api/v1/engines/unpublish', tag: 'engines', summary: 'Unpublish (stored values are kept)', body: PublishRequest,
    examples: { body: { interventions: [{ name: 'big_cart', version: 1 }] } },
    response: { description: '`nothing to unpublish` when nothing named was published', schema: UnpublishResponse, example: { status: 'unpublished' } },
    errors: unresolved,
    handler: async ({ body }) => ({ status: (await registry.setPublished(body, false)) > 0 ? 'unpublished' : 'nothing to unpublish' }),
  });
  defineRoute(app, openapi, {
    method: 'GET', url: '/api/v1/engines/stream_attributes', tag: 'engines', summary: 'The attributes the stream engine computes, deduplicated by definition hash',
    response: {
      description: 'The published stream attributes and when the published set last changed',
      schema: StreamAttributesResponse,
      example: { attributes: STREAM_ATTRIBUTES, published_at: PUBLISHED_AT },
    },
    handler: () => ({ attributes: registry.streamView(), published_at: publishedAt() }),
  });
  defineRoute(app, openapi, {
    method: 'GET', url: '/api/v1/engines/interventions', tag: 'engines', summary: 'The published rule interventions the stream engine evaluates',
    response: { description: 'The published interventions', schema: EngineInterventionsResponse, example: { interventions: [BIG_CART], published_at: PUBLISHED_AT } },
    handler: () => ({ interventions: registry.publishedInterventions(), published_at: publishedAt() }),
  });
};
