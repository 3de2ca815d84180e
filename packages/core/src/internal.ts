/**
 * @signalbox/core/internal (design §4 "Core is pure and browser-safe"; conventions "Layout"): the
 * pure building blocks that Signalbox's own packages — the server's stores, engine, collector,
 * warehouse and the test suites — share with core, but that are not a promise to users: they
 * change whenever the semantics' implementation does. Public names are in `index.ts`, and no
 * name is exported from both, so an import line says which kind it uses.
 */

// ---- aggregation tiles: the mergeable partial aggregates every Profiles Store keeps ----------
export { UNIQUE_LIST_CAP, applyEvent, isExpired, mergeStates, readValue } from './semantics/aggregation.js';
export type { AttributeState } from './semantics/aggregation.js';
export { tileStart, tileWidthMs, windowFloor, windowFor } from './semantics/windows.js';
export type { Window } from './semantics/windows.js';
export { SKIPPED, acceptValue, addExactly, presentNumber } from './semantics/values.js';

// ---- reading events: property readers, selectors, filters, comparisons ------------------------
export { compilePropertyReader, parsePath } from './semantics/property-reader.js';
export type { PropertyReader } from './semantics/property-reader.js';
export { eventMatches, selectorMatches } from './semantics/event-matching.js';
export { compileEventFilter } from './semantics/event-filter.js';
export type { EventFilter } from './semantics/event-filter.js';
export { asNumber, compare, contains, like, looselyEqual, order } from './semantics/compare.js';
export type { BasicOperator } from './semantics/compare.js';
export { DEFAULT_MATCH_BUDGET, LinearRegex, LinearRegexError, MAX_PROGRAM_SIZE, linearRegexProblem } from './semantics/linear-regex.js';

// ---- entity reassembly: one rule for the TSV writer, the warehouse and Micro ---------------------
export {
  CONTEXTS_WRAPPER,
  CONTEXTS_WRAPPER_1_0_0,
  UNSTRUCT_WRAPPER,
  regroupEntities,
  selfDescribingParts,
  unknownSchemaFor,
} from './events/entities.js';
export type { RegroupedEntities, SelfDescribingJson, SelfDescribingParts } from './events/entities.js';

// ---- limits every parser applies before it recurses ---------------------------------------------
export { MAX_JSON_DEPTH, jsonText, jsonTextHoldsMoreContainersThan, nestsDeeperThan, tooDeepReason } from './json-limits.js';
export { MAX_CRITERIA_DEPTH, boundCriteriaDepth, criteriaTooDeep } from './definitions/criteria-depth.js';

// ---- building definition schemas (the registry's field checks) ------------------------------------
export {
  BOOKKEEPING_FIELDS,
  closestField,
  definitionObject,
  optional,
  unknownFieldMessage,
  unsupportedFieldMessage,
} from './definitions/common.js';
export type { DefinitionFields } from './definitions/common.js';

// ---- fixtures the test suites share ------------------------------------------------------------
export { ENTITIES_CONTEXTS, ENTITIES_DERIVED, ENTITIES_TSV, ENTITIES_UNSTRUCT, enrichedTsvOf } from './events/fixtures.js';
