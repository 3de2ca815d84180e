/** Prometheus metrics for `GET /metrics`. One registry per Signalbox instance so tests never share counters. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { StreamEngine } from './stream/engine.js';
import type { ProfilesStore } from './profiles/profiles-store.js';

export class Metrics {
  readonly registry = new Registry();
  readonly rejectedEvents = new Counter({ name: 'signalbox_events_rejected_total', help: 'Enriched events rejected as malformed', registers: [this.registry] });
  readonly collectorRequests = new Counter({
    name: 'signalbox_collector_requests_total',
    help: 'Requests to the Snowplow collector endpoints, by method, path and status',
    labelNames: ['method', 'path', 'status'] as const,
    registers: [this.registry],
  });
  readonly collectorEvents = new Counter({
    name: 'signalbox_collector_events_total',
    help: 'Tracker events received by the collector: good (enriched and ingested) or bad (kept as bad rows)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private badRowCounts: () => ReadonlyMap<string, number> = () => new Map();

  constructor(engine: StreamEngine, store: ProfilesStore) {
    // Process and Node.js metrics (resident memory, heap, event-loop lag, GC) for operators.
    collectDefaultMetrics({ register: this.registry });
    const counter = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    counter('signalbox_events_processed_total', 'Events processed by the stream engine', () => engine.counters.events);
    counter('signalbox_events_duplicate_total', 'Events skipped because their event_id was already processed', () => engine.counters.duplicates);
    counter('signalbox_attribute_updates_total', 'Attribute state updates', () => engine.counters.updates);
    counter('signalbox_values_skipped_total', 'Values a numeric aggregation could not use', () => engine.counters.skippedValues);
    counter('signalbox_events_late_total', 'Events ignored by an attribute because their tile was already outside its window', () => engine.counters.lateEvents);
    counter('signalbox_profiles_identifiers', 'Identifiers with state in the Profiles Store', () => store.stats().identifiers);
    counter('signalbox_published_stream_attributes', 'Attributes the stream engine computes', () => engine.view.attributes.length);
    const badRowCounts = () => this.badRowCounts();
    new Gauge({
      name: 'signalbox_bad_rows_total',
      help: 'Bad rows kept since start, by source (api/events, collector/tp2, collector/i, ...)',
      labelNames: ['source'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [source, count] of badRowCounts()) this.set({ source }, count);
      },
    });
  }

  /** Report the warehouse loader's counters (warehouse/loader.ts). */
  trackWarehouse(loader: { readonly counters: Readonly<Record<'loaded' | 'failures' | 'rejected' | 'valuesNulled', number>>; readonly backlogBytes: number }): void {
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    gauge('signalbox_warehouse_events_loaded_total', 'Events written to atomic.events', () => loader.counters.loaded);
    gauge('signalbox_warehouse_load_failures_total', 'Warehouse batch loads that failed (each retry counts)', () => loader.counters.failures);
    gauge('signalbox_warehouse_events_rejected_total', 'Events the warehouse refused while it was up; not in atomic.events', () => loader.counters.rejected);
    gauge('signalbox_warehouse_values_nulled_total', 'Values stored as NULL because their atomic.events column type cannot hold them', () => loader.counters.valuesNulled);
    gauge('signalbox_warehouse_backlog_bytes', 'Bytes of event log not yet loaded into the warehouse', () => loader.backlogBytes);
  }

  /** Report bad-row counts by source (the bad-rows store's `countsBySource`). */
  trackBadRows(bad: { readonly countsBySource: ReadonlyMap<string, number> }): void {
    this.badRowCounts = () => bad.countsBySource;
  }
}
