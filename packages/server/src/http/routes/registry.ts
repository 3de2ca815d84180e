/** `/api/v1/registry/*` (reference §3.3): attribute keys, attribute groups, services, interventions. */
import {
  AttributeGroup,
  AttributeKey,
  BatchSourceInput,
  RuleIntervention,
  Service,
} from '@signalbox/core';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Registry } from '../../registry/registry.js';
import { NameParam, type OpenApiCollector, QueryBool, VersionParam, defineRoute } from '../route.js';
import { attributeGroupOutput, attributeKeyOutput } from '../../registry/outputs.js';
import { BIG_CART, PRODUCT_SKU_KEY, PRODUCT_SKU_KEY_OUTPUT, SHOPPER_GROUP, SHOPPER_GROUP_OUTPUT, WEBSITE_SERVICE } from '../examples.js';
import { AttributeGroupResponse, AttributeKeyResponse, Empty, Ok } from '../responses.js';

const NamePath = z.object({ name: NameParam });
const VersionPath = z.object({ name: NameParam, version: VersionParam });
const GroupQuery = z.object({
  applied: QueryBool.optional(),
  online: QueryBool.optional(),
  offline: QueryBool.optional(),
  attribute_key_or_name: z.string().optional(),
  property_syntax: z.enum(['snowflake', 'bigquery', 'databricks', 'blobl']).optional(),
});

const OK = { ok: true } as const;

const shopper = { name: 'shopper', version: 1 };
const keyNotFound = { SIGNALBOX_ERR_REGISTRY_NOT_FOUND: 'attribute key "product_sku" not found' };
const groupNotFound = { SIGNALBOX_ERR_REGISTRY_NOT_FOUND: 'attribute group "shopper" version 1 not found' };
const serviceNotFound = { SIGNALBOX_ERR_REGISTRY_NOT_FOUND: 'service "website" not found' };
const interventionNotFound = { SIGNALBOX_ERR_REGISTRY_NOT_FOUND: 'intervention "big_cart" version 1 not found' };
const pathMismatch = (what: string, name: string) => ({ SIGNALBOX_ERR_REQUEST_BAD: `the body names ${what} "${name}_2" but the path names "${name}"` });
const unresolvedKey = {
  SIGNALBOX_ERR_REGISTRY_UNRESOLVED: 'attribute key "shopper_id" does not exist; create it first (built-in keys: domain_userid, domain_sessionid, network_userid, user_id)',
};
const groupImmutable = {
  SIGNALBOX_ERR_REGISTRY_IMMUTABLE:
    'attribute group "shopper" version 1 is published and immutable; this would change field attributes[2].aggregation (only description, owner and is_published can change). Create version 2 for this change',
};
const carriedKeyMismatch = {
  SIGNALBOX_ERR_REGISTRY_KEY_MISMATCH:
    'attribute group "shopper" version 1 carries attribute key "shopper_id" with another property than the registered key "shopper_id" it would read; update the key first (PUT /api/v1/registry/attribute_keys/shopper_id) or send {"name": "shopper_id"}',
};
const shadowedKeyMismatch = {
  SIGNALBOX_ERR_REGISTRY_KEY_MISMATCH:
    'attribute key "product_sku" differs in property from the key of that name that published attribute group "product_views" version 1 carries, and the group would read it instead; give the key another name or make it agree',
};
const keyResponse = { description: 'The attribute key', schema: AttributeKeyResponse, example: PRODUCT_SKU_KEY_OUTPUT };
const groupResponse = { description: 'The attribute group version', schema: AttributeGroupResponse, example: SHOPPER_GROUP_OUTPUT };
const serviceResponse = { description: 'The service', schema: Service, example: WEBSITE_SERVICE };
const interventionResponse = { description: 'The intervention version', schema: RuleIntervention, example: BIG_CART };
const deleted = { description: 'Deleted', schema: Ok, example: OK };

export interface RegistryRouteOptions {
  openapi: OpenApiCollector;
  registry: Registry;
  /** Delete a group version and the stored values no published version still computes. */
  deleteGroupVersion: (name: string, version: number) => Promise<void>;
}

export const registryRoutes: FastifyPluginAsync<RegistryRouteOptions> = async (app, { openapi, registry, deleteGroupVersion }) => {
  const groupOut = (g: AttributeGroup) => attributeGroupOutput(g, registry.resolveKey(g));
  const route = <B, Q, P>(spec: Parameters<typeof defineRoute<B, Q, P>>[2]) => defineRoute(app, openapi, spec);

  // ---- attribute keys
  const keys = '/api/v1/registry/attribute_keys';
  route({ method: 'GET', url: `${keys}/`, tag: 'registry', summary: 'List attribute keys',
    response: { description: 'The built-in attribute keys, then every registered one', schema: z.array(AttributeKeyResponse), example: [PRODUCT_SKU_KEY_OUTPUT] },
    handler: () => registry.listKeys().map(attributeKeyOutput) });
  route({ method: 'POST', url: `${keys}/`, tag: 'registry', summary: 'Create an attribute key (400 if it exists)', body: AttributeKey,
    examples: { body: PRODUCT_SKU_KEY }, response: keyResponse,
    errors: { SIGNALBOX_ERR_REGISTRY_EXISTS: 'attribute key "product_sku" already exists; use PUT to update it', ...shadowedKeyMismatch },
    handler: async ({ body }) => attributeKeyOutput(await registry.createKey(body)) });
  route({ method: 'GET', url: `${keys}/:name`, tag: 'registry', summary: 'Get an attribute key', params: NamePath,
    examples: { params: { name: 'product_sku' } }, response: keyResponse, errors: keyNotFound,
    handler: ({ params }) => attributeKeyOutput(registry.getKey(params.name)) });
  route({ method: 'PUT', url: `${keys}/:name`, tag: 'registry', summary: 'Create or replace an attribute key', params: NamePath, body: AttributeKey,
    description: 'A built-in key cannot be changed: a PUT reading where it reads (such as the body GET returned) is a no-op, any other is a 400.',
    examples: { params: { name: 'product_sku' }, body: PRODUCT_SKU_KEY }, response: keyResponse,
    errors: {
      ...pathMismatch('attribute key', 'product_sku'),
      SIGNALBOX_ERR_REGISTRY_IMMUTABLE: 'attribute key "product_sku" is used by a published attribute group; this would change field property.path (only description, owner and is_published can change)',
      ...shadowedKeyMismatch,
    },
    handler: async ({ params, body }) => attributeKeyOutput(await registry.putKey(params.name, body)) });
  route({ method: 'DELETE', url: `${keys}/:name`, tag: 'registry', summary: 'Delete an attribute key', params: NamePath,
    examples: { params: { name: 'product_sku' } }, response: deleted,
    description: 'The built-in keys (domain_userid, domain_sessionid, network_userid, user_id) cannot be deleted.',
    errors: {
      ...keyNotFound,
      SIGNALBOX_ERR_REGISTRY_IN_USE: 'attribute key "product_sku" is used by product_views v1; delete those versions first',
      SIGNALBOX_ERR_REGISTRY_IMMUTABLE:
        'attribute key "domain_userid" is built in and cannot be changed or deleted; define a key with another name to read identifiers elsewhere',
    },
    handler: async ({ params }) => { await registry.deleteKey(params.name); return OK; } });

  // ---- attribute groups
  const groups = '/api/v1/registry/attribute_groups';
  route({ method: 'GET', url: `${groups}/`, tag: 'registry', summary: 'List attribute groups (all versions)', query: GroupQuery,
    examples: { query: { online: 'true', attribute_key_or_name: 'domain_userid' } },
    response: { description: 'The attribute group versions that match the filters', schema: z.array(AttributeGroupResponse), example: [SHOPPER_GROUP_OUTPUT] },
    handler: ({ query }) => registry.listGroups(query).map(groupOut) });
  route({ method: 'POST', url: `${groups}/`, tag: 'registry', summary: 'Create an attribute group version (400 if it exists)', body: AttributeGroup,
    examples: { body: SHOPPER_GROUP }, response: groupResponse,
    errors: { SIGNALBOX_ERR_REGISTRY_EXISTS: 'attribute group "shopper" version 1 already exists; use PUT to update it or create a new version', ...unresolvedKey, ...carriedKeyMismatch },
    handler: async ({ body }) => groupOut(await registry.createGroup(body)) });
  route({ method: 'GET', url: `${groups}/:name`, tag: 'registry', summary: 'Get the latest version of an attribute group', params: NamePath,
    examples: { params: { name: 'shopper' } }, response: groupResponse,
    errors: { SIGNALBOX_ERR_REGISTRY_NOT_FOUND: 'attribute group "shopper" not found' },
    handler: ({ params }) => groupOut(registry.getLatestGroup(params.name)) });
  route({ method: 'GET', url: `${groups}/:name/versions/:version`, tag: 'registry', summary: 'Get one attribute group version', params: VersionPath,
    examples: { params: shopper }, response: groupResponse, errors: groupNotFound,
    handler: ({ params }) => groupOut(registry.getGroup(params.name, params.version)) });
  route({ method: 'PUT', url: `${groups}/:name/versions/:version`, tag: 'registry', summary: 'Create or replace an attribute group version', params: VersionPath, body: AttributeGroup,
    examples: { params: shopper, body: SHOPPER_GROUP }, response: groupResponse,
    errors: { ...pathMismatch('attribute group', 'shopper'), ...unresolvedKey, ...carriedKeyMismatch, ...groupImmutable },
    handler: async ({ params, body }) => groupOut(await registry.putGroup(params.name, params.version, body)) });
  route({ method: 'DELETE', url: `${groups}/:name/versions/:version`, tag: 'registry', summary: 'Delete an attribute group version and its stored values', params: VersionPath,
    description: 'The version must be unpublished and in no service. The Signals SDKs send `Content-Type: application/json` with an empty body here; that is accepted.',
    examples: { params: shopper }, response: deleted,
    errors: { ...groupNotFound, SIGNALBOX_ERR_REGISTRY_IN_USE: 'attribute group "shopper" version 1 is published; unpublish it before deleting it' },
    handler: async ({ params }) => { await deleteGroupVersion(params.name, params.version); return OK; } });
  route({ method: 'PUT', url: `${groups}/:name/versions/:version/batch_source`, tag: 'registry', summary: 'Attach a warehouse table to a group version', params: VersionPath, body: BatchSourceInput,
    examples: {
      params: shopper,
      body: { name: 'shopper_daily', database: 'analytics', schema: 'derived', table: 'shopper_daily', timestamp_field: 'updated_at' },
    },
    response: { description: 'Attached', schema: Empty, example: {} }, errors: groupNotFound,
    handler: async ({ params, body }) => { await registry.setBatchSource(params.name, params.version, body); return {}; } });

  // ---- services
  const services = '/api/v1/registry/services';
  route({ method: 'GET', url: `${services}/`, tag: 'registry', summary: 'List services',
    response: { description: 'Every service', schema: z.array(Service), example: [WEBSITE_SERVICE] },
    handler: () => registry.listServices() });
  route({ method: 'POST', url: `${services}/`, tag: 'registry', summary: 'Create a service (400 if it exists)', body: Service,
    examples: { body: WEBSITE_SERVICE }, response: serviceResponse,
    errors: {
      SIGNALBOX_ERR_REGISTRY_EXISTS: 'service "website" already exists; use PUT to update it',
      SIGNALBOX_ERR_REGISTRY_UNRESOLVED: 'service "website" pins attribute group "shopper" version 3, which does not exist',
    },
    handler: ({ body }) => registry.createService(body) });
  route({ method: 'GET', url: `${services}/:name`, tag: 'registry', summary: 'Get a service', params: NamePath,
    examples: { params: { name: 'website' } }, response: serviceResponse, errors: serviceNotFound,
    handler: ({ params }) => registry.getService(params.name) });
  route({ method: 'PUT', url: `${services}/:name`, tag: 'registry', summary: 'Create or replace a service', params: NamePath, body: Service,
    examples: { params: { name: 'website' }, body: WEBSITE_SERVICE }, response: serviceResponse,
    errors: { ...pathMismatch('service', 'website'), SIGNALBOX_ERR_REGISTRY_UNRESOLVED: 'service "website" pins attribute group "shopper" version 3, which does not exist' },
    handler: ({ params, body }) => registry.putService(params.name, body) });
  route({ method: 'DELETE', url: `${services}/:name`, tag: 'registry', summary: 'Delete a service', params: NamePath,
    examples: { params: { name: 'website' } }, response: deleted, errors: serviceNotFound,
    handler: async ({ params }) => { await registry.deleteService(params.name); return OK; } });

  // ---- interventions
  const interventions = '/api/v1/registry/interventions';
  route({ method: 'GET', url: `${interventions}/`, tag: 'registry', summary: 'List rule interventions (all versions)',
    response: { description: 'Every intervention version', schema: z.array(RuleIntervention), example: [BIG_CART] },
    handler: () => registry.listInterventions() });
  route({ method: 'POST', url: `${interventions}/`, tag: 'registry', summary: 'Create a rule intervention version (400 if it exists)', body: RuleIntervention,
    examples: { body: BIG_CART }, response: interventionResponse,
    errors: {
      SIGNALBOX_ERR_REGISTRY_EXISTS: 'intervention "big_cart" version 1 already exists; use PUT to update it or create a new version',
      SIGNALBOX_ERR_REGISTRY_UNRESOLVED: 'intervention "big_cart" references "shopper:cart_total", but no published version of attribute group "shopper" has attribute "cart_total"',
    },
    handler: ({ body }) => registry.createIntervention(body) });
  route({ method: 'GET', url: `${interventions}/:name`, tag: 'registry', summary: 'Get the latest version of an intervention', params: NamePath,
    examples: { params: { name: 'big_cart' } }, response: interventionResponse,
    errors: { SIGNALBOX_ERR_REGISTRY_NOT_FOUND: 'intervention "big_cart" not found' },
    handler: ({ params }) => registry.getLatestIntervention(params.name) });
  route({ method: 'GET', url: `${interventions}/:name/versions/:version`, tag: 'registry', summary: 'Get one intervention version', params: VersionPath,
    examples: { params: { name: 'big_cart', version: 1 } }, response: interventionResponse, errors: interventionNotFound,
    handler: ({ params }) => registry.getIntervention(params.name, params.version) });
  route({ method: 'PUT', url: `${interventions}/:name/versions/:version`, tag: 'registry', summary: 'Create or replace an intervention version', params: VersionPath, body: RuleIntervention,
    examples: { params: { name: 'big_cart', version: 1 }, body: BIG_CART }, response: interventionResponse,
    errors: {
      ...pathMismatch('intervention', 'big_cart'),
      SIGNALBOX_ERR_REGISTRY_IMMUTABLE: 'intervention "big_cart" version 1 is published and immutable; this would change field criteria.value (only description, owner and is_published can change). Create version 2 for this change',
    },
    handler: ({ params, body }) => registry.putIntervention(params.name, params.version, body) });
  route({ method: 'DELETE', url: `${interventions}/:name/versions/:version`, tag: 'registry', summary: 'Delete an intervention version', params: VersionPath,
    examples: { params: { name: 'big_cart', version: 1 } }, response: deleted,
    errors: { ...interventionNotFound, SIGNALBOX_ERR_REGISTRY_IN_USE: 'intervention "big_cart" version 1 is published; unpublish it before deleting it' },
    handler: async ({ params }) => { await registry.deleteIntervention(params.name, params.version); return OK; } });
};
