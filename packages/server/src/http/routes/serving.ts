/** Serving (reference §3.3–3.4, §4.12): read attributes, delete an identifier's data. */
import { GetOnlineAttributesRequest } from '@signalbox/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Signalbox } from '../../signalbox.js';
import { type OpenApiCollector, defineRoute } from '../route.js';

export function servingRoutes(app: FastifyInstance, openapi: OpenApiCollector, sb: Signalbox): void {
  defineRoute(app, openapi, {
    method: 'POST', url: '/api/v1/get-online-attributes', tag: 'serving', errorStyle: 'serving',
    summary: 'Read attributes of a service or of qualified group attributes for 1–100 identifiers',
    body: GetOnlineAttributesRequest,
    handler: ({ body }) => sb.onlineAttributes.read(body, sb.clock()),
  });
  defineRoute(app, openapi, {
    method: 'DELETE', url: '/api/v1/:attribute_key/:identifier', tag: 'serving', errorStyle: 'serving',
    summary: "Delete everything stored for one identifier of one attribute key",
    params: z.object({ attribute_key: z.string().min(1).max(128), identifier: z.string().min(1).max(128) }),
    handler: async ({ params }) => {
      const found = await sb.durability.deleteIdentifier(params.attribute_key, params.identifier);
      return {
        keys_found: found,
        message: found
          ? `deleted all attributes of ${params.attribute_key} "${params.identifier}"`
          : `nothing is stored for ${params.attribute_key} "${params.identifier}"`,
      };
    },
  });
}
