/**
 * @signalbox/core, the public entry (design §4 "Core is pure and browser-safe"): what the SDK,
 * the console, the CLI and users build on — definitions and their schemas, the enriched event
 * model, naming, hashing, the errors and their codes, criteria, values, and the compiled views
 * that say what a published definition computes. Everything here is pure and runs in a browser.
 *
 * The building blocks only Signalbox's own packages use (aggregation tiles, property readers,
 * comparison and regex internals, entity reassembly, parser limits) are in
 * `@signalbox/core/internal` (`internal.ts`); they may change in any release. The list below is
 * explicit so that adding to the public surface is a visible decision.
 */

// ---- errors ------------------------------------------------------------------------------
export { ERROR_CODES, SignalboxError } from './errors.js';
export type { ErrorCode, ValidationDetail } from './errors.js';

// ---- definitions (Signals objects: zod schemas with their types) ----------------------------
export { Description, Duration, IsPublished, NAME_PATTERN, Name, NameLink, Owner, Version, VersionedLink } from './definitions/common.js';
export { ATOMIC_COLUMNS, AtomicProperty, EntityProperty, EventProperty, Property, PropertyPath } from './definitions/properties.js';
export type { AtomicColumn, AtomicPropertyT, EntityPropertyT, EventPropertyT } from './definitions/properties.js';
export { Criteria, Criterion, CriterionValue, FILTER_OPERATORS } from './definitions/criteria.js';
export type { FilterOperator, Scalar } from './definitions/criteria.js';
export { EventSelector } from './definitions/event-selector.js';
export { AGGREGATIONS, ATTRIBUTE_TYPES, Attribute, Field } from './definitions/attribute.js';
export type { Aggregation, AttributeType } from './definitions/attribute.js';
export { AttributeKey, BUILT_IN_KEYS, builtInKey, keyProperty } from './definitions/attribute-key.js';
export { AttributeGroup, AttributeKeyRef, BatchSource, BatchSourceInput, groupKind } from './definitions/attribute-group.js';
export type { GroupKind } from './definitions/attribute-group.js';
export { Service } from './definitions/service.js';
export {
  AttributeReference,
  INTERVENTION_OPERATORS,
  InterventionCriteriaSchema,
  InterventionInstance,
  RuleIntervention,
  criteriaReferences,
} from './definitions/intervention.js';
export type { InterventionCriteria, InterventionCriterion, InterventionOperator } from './definitions/intervention.js';
export { GetOnlineAttributesRequest, PublishRequest, QUALIFIED_NAME } from './definitions/requests.js';
export { durationSeconds, parseDurationSeconds } from './time/duration.js';

// ---- the enriched event model (events/index.ts is its list) ---------------------------------
export * from './events/index.js';
export { isoString, timestampMillis } from './time/timestamps.js';

// ---- naming and hashing --------------------------------------------------------------------
export { groupFullName, parseQualifiedName, qualifiedName } from './semantics/naming.js';
export type { QualifiedName } from './semantics/naming.js';
export { canonicalJson, definitionHash } from './semantics/hashing.js';

// ---- what published definitions compute -----------------------------------------------------
export { DEFAULT_TTL_SECONDS, buildStreamView, describeAttribute, effectiveTtlSeconds, keyColumn } from './semantics/published-view.js';
export type { PublishedStreamAttribute, ResolvedGroup, SourceGroup } from './semantics/published-view.js';
export { CompiledView, compileAttribute, specOf } from './semantics/compiled-view.js';
export type { CompiledAttribute } from './semantics/compiled-view.js';
export type { AggregationSpec } from './semantics/aggregation.js';

// ---- values --------------------------------------------------------------------------------
export { outputValue, typeDefault } from './semantics/values.js';
export { readableAttribute } from './semantics/readable-attribute.js';
export type { ReadableAttribute } from './semantics/readable-attribute.js';


// ---- criteria and rule interventions ----------------------------------------------------------
export { compileCriteria } from './semantics/intervention-criteria.js';
export type { CompiledCriteria, CriteriaCounters, CriteriaOptions, ReferenceReader } from './semantics/intervention-criteria.js';
export { buildView, compileView, emptyView, markerName, viewText } from './semantics/interventions-view.js';
export type {
  CompiledIntervention,
  CompiledInterventions,
  CompiledReference,
  InterventionSource,
  InterventionView,
  ViewGroup,
  ViewIntervention,
  ViewReference,
  ViewTarget,
} from './semantics/interventions-view.js';
