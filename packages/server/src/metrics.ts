/** Prometheus metrics for `GET /metrics`. One registry per Signalbox instance so tests never share counters. */
import { Counter, Gauge, Registry } from 'prom-client';
import type { StreamEngine } from './stream/engine.js';
import type { ProfilesStore } from './profiles/profiles-store.js';

export class Metrics {
  readonly registry = new Registry();
  readonly rejectedEvents = new Counter({ name: 'signalbox_events_rejected_total', help: 'Enriched events rejected as malformed', registers: [this.registry] });

  constructor(engine: StreamEngine, store: ProfilesStore) {
    const counter = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    counter('signalbox_events_processed_total', 'Events processed by the stream engine', () => engine.counters.events);
    counter('signalbox_events_duplicate_total', 'Events skipped because their event_id was already processed', () => engine.counters.duplicates);
    counter('signalbox_attribute_updates_total', 'Attribute state updates', () => engine.counters.updates);
    counter('signalbox_values_skipped_total', 'Values a numeric aggregation could not use', () => engine.counters.skippedValues);
    counter('signalbox_events_late_total', 'Events ignored by an attribute because their tile was already outside its window', () => engine.counters.lateEvents);
    counter('signalbox_profiles_identifiers', 'Identifiers with state in the Profiles Store', () => store.stats().identifiers);
    counter('signalbox_published_stream_attributes', 'Attributes the stream engine computes', () => engine.view.attributes.length);
  }
}
