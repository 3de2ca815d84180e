/** `/api/v1/registry/*` (reference §3.3): attribute keys, attribute groups, services, interventions. */
import {
  AttributeGroup,
  AttributeKey,
  BatchSourceInput,
  RuleIntervention,
  Service,
} from '@signalbox/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Signalbox } from '../../signalbox.js';
import { NameParam, type OpenApiCollector, QueryBool, VersionParam, defineRoute } from '../route.js';
import { attributeGroupOutput, attributeKeyOutput } from '../../registry/outputs.js';

const NamePath = z.object({ name: NameParam });
const VersionPath = z.object({ name: NameParam, version: VersionParam });
const GroupQuery = z.object({
  applied: QueryBool.optional(),
  online: QueryBool.optional(),
  offline: QueryBool.optional(),
  attribute_key_or_name: z.string().optional(),
  property_syntax: z.enum(['snowflake', 'bigquery', 'databricks', 'blobl']).optional(),
});

const OK = { ok: true };

export function registryRoutes(app: FastifyInstance, openapi: OpenApiCollector, sb: Signalbox): void {
  const { registry } = sb;
  const groupOut = (g: AttributeGroup) => attributeGroupOutput(g, registry.resolveKey(g));
  const route = <B, Q, P>(spec: Parameters<typeof defineRoute<B, Q, P>>[2]) => defineRoute(app, openapi, spec);

  // ---- attribute keys
  const keys = '/api/v1/registry/attribute_keys';
  route({ method: 'GET', url: `${keys}/`, tag: 'registry', summary: 'List attribute keys',
    handler: () => registry.listKeys().map(attributeKeyOutput) });
  route({ method: 'POST', url: `${keys}/`, tag: 'registry', summary: 'Create an attribute key (400 if it exists)', body: AttributeKey,
    handler: ({ body }) => attributeKeyOutput(registry.createKey(body)) });
  route({ method: 'GET', url: `${keys}/:name`, tag: 'registry', summary: 'Get an attribute key', params: NamePath,
    handler: ({ params }) => attributeKeyOutput(registry.getKey(params.name)) });
  route({ method: 'PUT', url: `${keys}/:name`, tag: 'registry', summary: 'Create or replace an attribute key', params: NamePath, body: AttributeKey,
    handler: ({ params, body }) => attributeKeyOutput(registry.putKey(params.name, body)) });
  route({ method: 'DELETE', url: `${keys}/:name`, tag: 'registry', summary: 'Delete an attribute key', params: NamePath,
    handler: ({ params }) => { registry.deleteKey(params.name); return OK; } });

  // ---- attribute groups
  const groups = '/api/v1/registry/attribute_groups';
  route({ method: 'GET', url: `${groups}/`, tag: 'registry', summary: 'List attribute groups (all versions)', query: GroupQuery,
    handler: ({ query }) => registry.listGroups(query).map(groupOut) });
  route({ method: 'POST', url: `${groups}/`, tag: 'registry', summary: 'Create an attribute group version (400 if it exists)', body: AttributeGroup,
    handler: ({ body }) => groupOut(registry.createGroup(body)) });
  route({ method: 'GET', url: `${groups}/:name`, tag: 'registry', summary: 'Get the latest version of an attribute group', params: NamePath,
    handler: ({ params }) => groupOut(registry.getLatestGroup(params.name)) });
  route({ method: 'GET', url: `${groups}/:name/versions/:version`, tag: 'registry', summary: 'Get one attribute group version', params: VersionPath,
    handler: ({ params }) => groupOut(registry.getGroup(params.name, params.version)) });
  route({ method: 'PUT', url: `${groups}/:name/versions/:version`, tag: 'registry', summary: 'Create or replace an attribute group version', params: VersionPath, body: AttributeGroup,
    handler: ({ params, body }) => groupOut(registry.putGroup(params.name, params.version, body)) });
  route({ method: 'DELETE', url: `${groups}/:name/versions/:version`, tag: 'registry', summary: 'Delete an attribute group version and its stored values', params: VersionPath,
    handler: async ({ params }) => { await sb.deleteGroupVersion(params.name, params.version); return OK; } });
  route({ method: 'PUT', url: `${groups}/:name/versions/:version/batch_source`, tag: 'registry', summary: 'Attach a warehouse table to a group version', params: VersionPath, body: BatchSourceInput,
    handler: ({ params, body }) => { registry.setBatchSource(params.name, params.version, body); return {}; } });

  // ---- services
  const services = '/api/v1/registry/services';
  route({ method: 'GET', url: `${services}/`, tag: 'registry', summary: 'List services', handler: () => registry.listServices() });
  route({ method: 'POST', url: `${services}/`, tag: 'registry', summary: 'Create a service (400 if it exists)', body: Service,
    handler: ({ body }) => registry.createService(body) });
  route({ method: 'GET', url: `${services}/:name`, tag: 'registry', summary: 'Get a service', params: NamePath,
    handler: ({ params }) => registry.getService(params.name) });
  route({ method: 'PUT', url: `${services}/:name`, tag: 'registry', summary: 'Create or replace a service', params: NamePath, body: Service,
    handler: ({ params, body }) => registry.putService(params.name, body) });
  route({ method: 'DELETE', url: `${services}/:name`, tag: 'registry', summary: 'Delete a service', params: NamePath,
    handler: ({ params }) => { registry.deleteService(params.name); return OK; } });

  // ---- interventions
  const interventions = '/api/v1/registry/interventions';
  route({ method: 'GET', url: `${interventions}/`, tag: 'registry', summary: 'List rule interventions (all versions)',
    handler: () => registry.listInterventions() });
  route({ method: 'POST', url: `${interventions}/`, tag: 'registry', summary: 'Create a rule intervention version (400 if it exists)', body: RuleIntervention,
    handler: ({ body }) => registry.createIntervention(body) });
  route({ method: 'GET', url: `${interventions}/:name`, tag: 'registry', summary: 'Get the latest version of an intervention', params: NamePath,
    handler: ({ params }) => registry.getLatestIntervention(params.name) });
  route({ method: 'GET', url: `${interventions}/:name/versions/:version`, tag: 'registry', summary: 'Get one intervention version', params: VersionPath,
    handler: ({ params }) => registry.getIntervention(params.name, params.version) });
  route({ method: 'PUT', url: `${interventions}/:name/versions/:version`, tag: 'registry', summary: 'Create or replace an intervention version', params: VersionPath, body: RuleIntervention,
    handler: ({ params, body }) => registry.putIntervention(params.name, params.version, body) });
  route({ method: 'DELETE', url: `${interventions}/:name/versions/:version`, tag: 'registry', summary: 'Delete an intervention version', params: VersionPath,
    handler: ({ params }) => { registry.deleteIntervention(params.name, params.version); return OK; } });
}
