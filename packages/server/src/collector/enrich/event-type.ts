/**
 * Step 9 of the minimal enrichment (reference §2.5): the tracker's `e` becomes the enriched
 * `event`, and every event gets the (vendor, name, format, version) that Signals attribute
 * definitions select events by. The fixed rows are Enrich's synthetic names; a self-describing
 * event takes them from its schema URI.
 */
import { parseIgluUri } from '@signalbox/core';

export interface EventSchemaFields {
  event_vendor: string;
  event_name: string;
  event_format: string;
  event_version: string;
}

interface EventType {
  event: string;
  /** Fixed schema fields; absent for `unstruct`, whose come from the event's own schema. */
  schema?: EventSchemaFields;
}

const fixed = (vendor: string, name: string): EventSchemaFields => ({
  event_vendor: vendor,
  event_name: name,
  event_format: 'jsonschema',
  event_version: '1-0-0',
});

/** Tracker `e` → enriched event type. `ev` is the legacy code for structured events. */
export const EVENT_TYPES: Readonly<Record<string, EventType>> = {
  pv: { event: 'page_view', schema: fixed('com.snowplowanalytics.snowplow', 'page_view') },
  pp: { event: 'page_ping', schema: fixed('com.snowplowanalytics.snowplow', 'page_ping') },
  se: { event: 'struct', schema: fixed('com.google.analytics', 'event') },
  ev: { event: 'struct', schema: fixed('com.google.analytics', 'event') },
  tr: { event: 'transaction', schema: fixed('com.snowplowanalytics.snowplow', 'transaction') },
  ti: { event: 'transaction_item', schema: fixed('com.snowplowanalytics.snowplow', 'transaction_item') },
  ue: { event: 'unstruct' },
};

/** The event type of a tracker `e`, or `undefined` when Enrich would fail it (including legacy `ad`). */
export function eventType(e: string): EventType | undefined {
  return Object.hasOwn(EVENT_TYPES, e) ? EVENT_TYPES[e] : undefined;
}

/** The schema fields of a self-describing event, from its (already validated) Iglu URI. */
export function unstructSchemaFields(schemaUri: string): EventSchemaFields | undefined {
  const ref = parseIgluUri(schemaUri);
  if (ref === null) return undefined;
  return { event_vendor: ref.vendor, event_name: ref.name, event_format: ref.format, event_version: ref.version };
}
