/** Test support: build enriched events in the analytics-SDK JSON shape. */
import { randomUUID } from 'node:crypto';
import { normalizeEnrichedJson, toEnrichedTsv } from '@signalbox/core';

export interface EventOptions {
  event_id?: string;
  event?: string;
  event_vendor?: string;
  event_name?: string;
  event_version?: string;
  /** Event time (derived_tstamp), ms since epoch. */
  time: number;
  [field: string]: unknown;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A minimal good enriched event; every field can be overridden. */
export function enrichedEvent(options: EventOptions): Record<string, unknown> {
  const { time, ...fields } = options;
  return {
    app_id: 'test',
    platform: 'web',
    etl_tstamp: iso(time),
    collector_tstamp: iso(time),
    event: 'page_view',
    event_id: randomUUID(),
    v_collector: 'test-collector',
    v_etl: 'test-etl',
    v_tracker: 'test-tracker',
    derived_tstamp: iso(time),
    event_vendor: 'com.snowplowanalytics.snowplow',
    event_name: 'page_view',
    event_format: 'jsonschema',
    event_version: '1-0-0',
    ...fields,
  };
}

/** The same event as an enriched TSV line (131 tab-separated fields). */
export function enrichedTsv(options: EventOptions): string {
  return toEnrichedTsv(normalizeEnrichedJson(enrichedEvent(options)));
}
