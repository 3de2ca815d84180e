/** Serving (reference §3.3–3.4, §4.12): read attributes, delete an identifier's data. */
import { GetOnlineAttributesRequest } from '@signalbox/core';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { OnlineAttributes as OnlineAttributesReader } from '../../serving/online-attributes.js';
import { ONLINE_ATTRIBUTES, ONLINE_ATTRIBUTES_REQUEST, USER } from '../examples.js';
import { DeletionResponse, OnlineAttributes } from '../responses.js';
import { type OpenApiCollector, defineRoute } from '../route.js';

export interface ServingRouteOptions {
  openapi: OpenApiCollector;
  onlineAttributes: Pick<OnlineAttributesReader, 'read'>;
  /** Forget an identifier (design §3): true when anything was stored. */
  deleteIdentifier: (attributeKey: string, identifier: string) => Promise<boolean>;
  clock: () => number;
}

export const servingRoutes: FastifyPluginAsync<ServingRouteOptions> = async (app, { openapi, onlineAttributes, deleteIdentifier, clock }) => {
  defineRoute(app, openapi, {
    method: 'POST', url: '/api/v1/get-online-attributes', tag: 'serving', errorStyle: 'serving',
    summary: 'Read attributes of a service or of qualified group attributes for 1–100 identifiers',
    body: GetOnlineAttributesRequest,
    examples: { body: ONLINE_ATTRIBUTES_REQUEST },
    response: { description: 'Values aligned with the identifiers; `null` where nothing is known', schema: OnlineAttributes, example: ONLINE_ATTRIBUTES },
    errors: {
      SIGNALBOX_ERR_SERVING_UNKNOWN_SERVICE: 'service "website" not found',
      SIGNALBOX_ERR_SERVING_UNKNOWN_ATTRIBUTE: 'attribute group "shopper" version 1 has no attribute "cart_total"',
      SIGNALBOX_ERR_SERVING_NAME_CLASH: 'attribute "page_views" is served by both shopper_v1 and visitor_v1; send "full_attribute_names": true to read them apart',
      SIGNALBOX_ERR_SERVING_UNPUBLISHED:
        'service "website" pins attribute group "shopper" version 1, which is not published, so its values are not computed; publish it again or pin a published version',
      SIGNALBOX_ERR_SERVING_BAD_REQUEST: 'attribute group "shopper" version 1 is keyed by "domain_userid", but the request sends "user_id" identifiers',
    },
    handler: ({ body }) => onlineAttributes.read(body, clock()),
  });
  defineRoute(app, openapi, {
    method: 'DELETE', url: '/api/v1/:attribute_key/:identifier', tag: 'serving', errorStyle: 'serving',
    summary: "Delete everything stored for one identifier of one attribute key",
    params: z.object({ attribute_key: z.string().min(1).max(128), identifier: z.string().min(1).max(128) }),
    examples: { params: { attribute_key: 'domain_userid', identifier: USER } },
    response: {
      description: '`keys_found` says whether anything was stored',
      schema: DeletionResponse,
      example: { keys_found: true, message: `deleted all attributes of domain_userid "${USER}"` },
    },
    handler: async ({ params }) => {
      const found = await deleteIdentifier(params.attribute_key, params.identifier);
      return {
        keys_found: found,
        message: found
          ? `deleted all attributes of ${params.attribute_key} "${params.identifier}"`
          : `nothing is stored for ${params.attribute_key} "${params.identifier}"`,
      };
    },
  });
};
