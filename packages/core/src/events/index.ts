/**
 * Enriched events: the 131-column Snowplow enriched TSV, the analytics-SDK JSON shape Signalbox
 * works in, and the conversions between them.
 */

export { ENRICHED_FIELDS, ENRICHED_FIELD_COUNT, ENRICHED_FIELD_INDEX } from './fields.js';
export type { EnrichedField, EnrichedFieldKind, EnrichedFieldName } from './fields.js';
export {
  ENRICHED_EVENT_INVALID,
  EnrichedEventError,
  entityKey,
  getEventSchemas,
  parseIgluUri,
  unstructKey,
} from './enriched-event.js';
export type { EnrichedEvent, EnrichedEventSchemas, EntitySchema, IgluSchemaRef } from './enriched-event.js';
export { parseEnrichedTsv, toEnrichedTsv } from './tsv.js';
export type { ToEnrichedTsvOptions } from './tsv.js';
export { normalizeEnrichedJson } from './json.js';
export { eventTime } from './event-time.js';
export { identifierOf } from './identifier.js';
