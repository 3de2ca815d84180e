/**
 * What Signalbox answers, as zod schemas: the response bodies of the OpenAPI document
 * (http/openapi.ts), which the API tests also check real answers against. Definitions come back
 * as they were stored plus the read-only fields Signals clients expect (registry/outputs.ts).
 * The definition schemas of core are named here so each appears once in `components/schemas`.
 */
import {
  Attribute,
  AttributeGroup,
  AttributeKey,
  BatchSourceInput,
  Criteria,
  EventSelector,
  Field,
  GetOnlineAttributesRequest,
  InterventionCriteriaSchema,
  InterventionInstance,
  Property,
  PublishRequest,
  RuleIntervention,
  Service,
} from '@signalbox/core';
import { z } from 'zod';
import { named } from './openapi.js';

named(Property, 'Property', 'Where a value is read: an atomic column, a path in the event, or in the n-th entity of a schema.');
named(EventSelector, 'EventSelector', 'An event an attribute counts: vendor, name and optionally a SchemaVer version.');
named(Criteria, 'Criteria', 'Filters applied to each event before aggregation: `all` and/or `any` of `{property, operator, value}`.');
named(Attribute, 'Attribute', 'One attribute of a group: what to aggregate, over which events, in which window.');
named(Field, 'Field', 'A column of an external (warehouse) attribute group.');
named(BatchSourceInput, 'BatchSource', 'The warehouse table of an offline group (`wh_schema` is read as `schema`).');
named(AttributeKey, 'AttributeKey', 'The identifier attributes are aggregated against.');
named(AttributeGroup, 'AttributeGroup', 'A versioned bundle of attributes sharing one attribute key.');
named(Service, 'Service', 'A named list of pinned group versions an application reads.');
named(InterventionCriteriaSchema, 'InterventionCriteria', 'A tree of `all` / `any` / `none` over `group:attribute` comparisons.');
named(RuleIntervention, 'RuleIntervention', 'Fires when an identifier\'s attributes satisfy its criteria.');
named(InterventionInstance, 'InterventionInstance', 'What subscribers and webhooks receive, and what a direct push sends.');
named(PublishRequest, 'PublishRequest', 'References to publish or unpublish.');
named(GetOnlineAttributesRequest, 'GetOnlineAttributesRequest', 'A service or qualified attributes, for 1–100 identifiers of one attribute key.');

const Count = z.number().int().min(0);
const Timestamp = z.string().describe('ISO-8601 UTC timestamp');

// ---- registry ---------------------------------------------------------------------------------

export const AttributeKeyResponse = named(
  z.object({ ...AttributeKey.shape, blobl_path: z.string().nullable() }),
  'AttributeKeyResponse',
  'An attribute key as stored, with the read-only `blobl_path`.',
);
export const AttributeGroupResponse = named(
  // The shape without the input's refinements and its accepted-and-ignored output fields.
  z.object({
    ...AttributeGroup.shape,
    attribute_key: AttributeKeyResponse,
    full_name: z.string().describe('`<name>_v<version>`'),
    feast_name: z.string(),
    stream_source_name: z.string().nullable(),
    attribute_key_or_name: z.string().describe('The atomic column or key name identifiers are read from'),
    attribute_group_or_attribute_key_ttl: z.string().nullable(),
    attribute_group_or_attribute_key_ttl_seconds: z.number().nullable(),
  }),
  'AttributeGroupResponse',
  'An attribute group version as stored, its attribute key expanded, with the read-only fields Signals clients read.',
);
export const Ok = named(z.object({ ok: z.literal(true) }), 'Ok', 'Done.');
export const Empty = z.object({}).describe('Done (an empty object, as Signals answers).');

// ---- engines ----------------------------------------------------------------------------------

export const PublishResponse = z.object({ status: z.enum(['published', 'nothing to publish']) });
export const UnpublishResponse = z.object({ status: z.enum(['unpublished', 'nothing to unpublish']) });
const StreamAttribute = named(
  z.object({
    definition_hash: z.string(),
    attribute_key_name: z.string(),
    attribute_key_or_name: z.string(),
    attribute_key: z.object({ name: z.string(), key: z.string(), property: Property, blobl_path: z.string().nullable() }),
    type: Attribute.shape.type,
    aggregation: Attribute.shape.aggregation,
    events: z.array(EventSelector),
    property: Property.nullable(),
    criteria: Criteria.nullable(),
    period: z.string().nullable(),
    ttl: Count.describe('Seconds of inactivity after which the state expires'),
    source_groups: z.array(z.object({ name: z.string(), version: z.number().int(), attribute_name: z.string() })),
  }),
  'StreamAttribute',
  'One attribute the stream engine computes; published groups that define it identically share it.',
);
export const StreamAttributesResponse = z.object({ attributes: z.array(StreamAttribute), published_at: Timestamp });
export const EngineInterventionsResponse = z.object({ interventions: z.array(RuleIntervention), published_at: Timestamp });

// ---- serving ----------------------------------------------------------------------------------

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
export const OnlineAttributes = named(
  z.record(z.string(), z.array(z.union([Scalar, z.array(Scalar), z.null()]))),
  'OnlineAttributes',
  'The attribute key and each attribute, as arrays aligned with the identifiers asked for; `null` where nothing is known.',
);
export const DeletionResponse = z.object({ keys_found: z.boolean(), message: z.string() });

// ---- events -----------------------------------------------------------------------------------

export const EventsResponse = z.object({
  accepted: Count,
  processed: Count,
  duplicates: Count.describe('Events every identifier they update had already consumed (same event_id): a resend is counted once'),
  rejected: Count,
  errors: z.array(z.object({
    line: z.number().int().optional().describe('1-based line of a TSV body'),
    index: z.number().int().optional().describe('0-based element of a JSON array'),
    reason: z.string(),
  })),
});
/** An enriched event in the analytics-SDK JSON shape (reference: snowplow-events §2). */
export const EnrichedEventJson = named(
  z.record(z.string(), z.unknown()),
  'EnrichedEventJson',
  'An enriched event as the Snowplow analytics SDKs shape it: atomic fields by name, `contexts_<vendor>_<name>_<major>` lists and `unstruct_event_<vendor>_<name>_<major>` objects.',
);
export const EventsJsonBody = z.union([z.array(EnrichedEventJson), EnrichedEventJson]);
export const TsvBody = z.string().describe('Enriched events as Snowplow Enrich writes them: one 131-field tab-separated line each');

const BadRow = named(
  z.object({ received_at: Timestamp, source: z.string(), reasons: z.array(z.string()), payload: z.string(), position: z.number().int().optional() }),
  'BadRow',
  'Input that could not become a good event, with every reason.',
);
export const BadRowsResponse = z.object({ total: Count, bad_rows: z.array(BadRow) });

// ---- interventions and webhooks ---------------------------------------------------------------

export const PushResponse = z.object({
  status: z.enum(['success', 'undelivered', 'failure']).describe('`undelivered` when no subscriber is connected for the targets'),
});
const WebhookFields = {
  name: z.string(),
  url: z.string(),
  attribute_keys: z.array(z.string()).optional(),
  interventions: z.array(z.string()).optional(),
  created_at: Timestamp,
};
const WebhookStats = z.looseObject({ delivered: Count, failedAttempts: Count, deadLettered: Count, pending: Count });
export const WebhookResponse = named(z.object({ ...WebhookFields, stats: WebhookStats }), 'Webhook', 'A webhook (never with its secret) and its delivery counts.');
export const WebhookCreated = z.object({ ...WebhookFields, secret: z.string().describe('The signing secret; shown only in this answer') });
export const WebhookReplaced = z.object(WebhookFields);
const DeadLetter = named(
  z.object({
    intervention_id: z.string(),
    webhook: z.string(),
    url: z.string(),
    attempts: Count,
    last_status: z.number().int().nullable(),
    last_error: z.string(),
    failed_at: Timestamp,
    payload: z.object({
      type: z.literal('intervention'),
      webhook: z.string(),
      intervention_id: z.string(),
      name: z.string(),
      version: z.number().int(),
      fired_at: Timestamp,
      instances: z.array(InterventionInstance),
    }),
  }),
  'DeadLetter',
  'A delivery given up after its last retry.',
);
export const DeadLettersResponse = z.object({ dead_letters: z.array(DeadLetter) });
export const DeadLettersCleared = z.object({ ok: z.literal(true), removed: Count });

// ---- Snowplow Micro ---------------------------------------------------------------------------

const Nullable = z.string().nullable();
const MicroSource = z.object({ name: z.string(), encoding: z.string(), hostname: Nullable });
const MicroContext = z.object({
  timestamp: Nullable, ipAddress: Nullable, useragent: Nullable, refererUri: Nullable, headers: z.array(z.string()), userId: Nullable,
});
const MicroRawEvent = z.object({
  api: z.object({ vendor: z.string(), version: z.string() }),
  parameters: z.record(z.string(), z.string()),
  contentType: Nullable,
  source: MicroSource,
  context: MicroContext,
});
export const MicroSummary = z.object({ total: Count, good: Count, bad: Count });
export const MicroGoodEvents = z.array(named(
  z.object({
    rawEvent: MicroRawEvent,
    eventType: Nullable,
    schema: Nullable,
    contexts: z.array(z.string()),
    event: z.record(z.string(), z.unknown()),
    incomplete: z.literal(false),
  }),
  'MicroGoodEvent',
  'Snowplow Micro\'s GoodEvent: the enriched event (non-lossy JSON) and the tracker parameters it came from.',
));
export const MicroBadEvents = z.array(named(
  z.object({
    collectorPayload: z.object({
      api: z.object({ vendor: z.string(), version: z.string() }),
      querystring: z.array(z.string()),
      contentType: Nullable,
      body: Nullable,
      source: MicroSource,
      context: MicroContext,
    }).nullable(),
    rawEvent: MicroRawEvent.nullable(),
    errors: z.array(z.string()),
  }),
  'MicroBadEvent',
  'Snowplow Micro\'s BadEvent: the rejected input and its errors.',
));

// ---- operations -------------------------------------------------------------------------------

