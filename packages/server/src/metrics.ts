/**
 * Prometheus metrics for `GET /metrics` (docs/operations.md lists them all). One registry per
 * Signalbox instance so tests never share counters.
 *
 * - Every `*_total` family is a Counter. Components keep their own plain counts (the engine, the
 *   loader thread, interventions); `countFrom` turns such a count into a Counter that adds what
 *   the count grew by at each scrape, so the exposition is a counter and never goes back.
 * - Request latency per route (the route pattern, never the raw URL: bounded cardinality).
 * - Freshness: how old the engine's last applied event is, and how far the warehouse loader is
 *   behind the event log.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StreamEngine } from './stream/engine.js';
import type { LoaderBacklog } from './warehouse/backlog.js';
import { withinTime } from './within-time.js';

/** Sub-millisecond to seconds: a cached read answers in ~100 µs, a batch of events in tens of ms. */
export const REQUEST_DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** How long a scrape waits for the loader thread's backlog count before keeping the last values. */
const LOADER_ANSWER_MS = 2000;

/**
 * A Counter fed from a component's own monotonic count. A count that went back (a restarted
 * loader thread starts again at 0) counts its new value as growth, so the Counter never decreases.
 */
export function countFrom(registry: Registry, name: string, help: string, read: () => number): Counter {
  let seen = 0;
  return new Counter({
    name, help, registers: [registry],
    collect() {
      const now = read();
      const grown = now >= seen ? now - seen : now;
      if (grown > 0) this.inc(grown);
      seen = now;
    },
  });
}

/** `countFrom` for counts kept per label value (a Map keyed by the label). */
function countFromMap(registry: Registry, name: string, help: string, label: string, read: () => ReadonlyMap<string, number>): Counter {
  const seen = new Map<string, number>();
  return new Counter({
    name, help, labelNames: [label], registers: [registry],
    collect() {
      for (const [value, now] of read()) {
        const before = seen.get(value) ?? 0;
        const grown = now >= before ? now - before : now;
        if (grown > 0) this.inc({ [label]: value }, grown);
        seen.set(value, now);
      }
    },
  });
}

/** A gauge read at scrape time. */
function gaugeOf(registry: Registry, name: string, help: string, read: () => number): Gauge {
  return new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
}

/** Seconds since the epoch, as Prometheus timestamps are given. */
const seconds = (ms: number) => ms / 1000;

export interface TrackedLoader {
  readonly counters: Readonly<Record<'loaded' | 'failures' | 'rejected' | 'valuesNulled', number>>;
  backlog(): Promise<LoaderBacklog>;
}

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
  readonly requestDuration = new Histogram({
    name: 'signalbox_http_request_duration_seconds',
    help: 'Time from receiving a request to its response, by route pattern, method and status class',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: REQUEST_DURATION_BUCKETS,
    registers: [this.registry],
  });
  private badRowCounts: () => ReadonlyMap<string, number> = () => new Map();

  constructor(engine: StreamEngine, store: { stats(): { identifiers: number } }, private readonly clock: () => number = Date.now) {
    // Process and Node.js metrics (resident memory, heap, event-loop lag, GC) for operators.
    collectDefaultMetrics({ register: this.registry });
    // These three are gauges named like counters; the same numbers are the sums of the per-type
    // `nodejs_active_handles`, `nodejs_active_requests` and `nodejs_active_resources` gauges.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(name);

    const r = this.registry;
    countFrom(r, 'signalbox_events_processed_total', 'Events processed by the stream engine', () => engine.counters.events);
    countFrom(r, 'signalbox_events_duplicate_total', 'Events skipped because every identifier they update had already consumed their event_id', () => engine.counters.duplicates);
    countFrom(r, 'signalbox_attribute_updates_total', 'Attribute state updates', () => engine.counters.updates);
    countFrom(r, 'signalbox_values_skipped_total', 'Values a numeric aggregation could not use', () => engine.counters.skippedValues);
    countFrom(r, 'signalbox_events_late_total', 'Events ignored by an attribute because their tile was already outside its window', () => engine.counters.lateEvents);
    countFrom(r, 'signalbox_profiles_commit_conflicts_total', 'Batches run again because another worker changed their identifiers first', () => engine.counters.conflicts);
    gaugeOf(r, 'signalbox_profiles_identifiers', 'Identifiers with state in the Profiles Store', () => store.stats().identifiers);
    gaugeOf(r, 'signalbox_published_stream_attributes', 'Attributes the stream engine computes', () => engine.view.attributes.length);
    gaugeOf(r, 'signalbox_engine_last_event_time_seconds', 'Event time of the last event the engine applied (0 before the first)', () => seconds(engine.lastApplied?.eventTime ?? 0));
    gaugeOf(r, 'signalbox_engine_event_lag_seconds', 'Now minus the event time of the last event the engine applied (0 before the first)', () =>
      engine.lastApplied ? Math.max(0, seconds(this.clock() - engine.lastApplied.eventTime)) : 0);
    gaugeOf(r, 'signalbox_engine_last_applied_time_seconds', 'When the engine last applied an event (0 before the first)', () => seconds(engine.lastApplied?.processedAt ?? 0));
    countFromMap(r, 'signalbox_bad_rows_total', 'Bad rows kept since start, by source (api/events, collector/tp2, collector/i, ...)', 'source', () => this.badRowCounts());
  }

  /** Report the warehouse loader: its counters, and how far behind the event log it is. */
  trackWarehouse(loader: TrackedLoader): void {
    const r = this.registry;
    countFrom(r, 'signalbox_warehouse_events_loaded_total', 'Events written to atomic.events', () => loader.counters.loaded);
    countFrom(r, 'signalbox_warehouse_load_failures_total', 'Warehouse batch loads that failed (each retry counts)', () => loader.counters.failures);
    countFrom(r, 'signalbox_warehouse_events_rejected_total', 'Events the warehouse refused while it was up; not in atomic.events', () => loader.counters.rejected);
    countFrom(r, 'signalbox_warehouse_values_nulled_total', 'Values stored as NULL because their atomic.events column type cannot hold them', () => loader.counters.valuesNulled);

    // One question to the loader thread per scrape, shared by the four gauges below.
    let asking: Promise<LoaderBacklog | undefined> | undefined;
    const backlog = () => {
      asking ??= withinTime(loader.backlog(), LOADER_ANSWER_MS)
        .then((answer) => (answer.ok ? answer.value : undefined))
        .finally(() => (asking = undefined));
      return asking;
    };
    const fromBacklog = (name: string, help: string, read: (b: LoaderBacklog, now: number) => number) =>
      new Gauge({
        name, help, registers: [r],
        async collect() {
          const b = await backlog();
          if (b) this.set(read(b, Date.now()));
        },
      });
    const startedAt = Date.now();
    fromBacklog('signalbox_warehouse_backlog_events', 'Events in the event log not yet loaded into the warehouse', (b) => b.events);
    fromBacklog('signalbox_warehouse_backlog_bytes', 'Bytes of event log not yet loaded into the warehouse', (b) => b.bytes);
    fromBacklog('signalbox_warehouse_last_load_time_seconds', 'When the loader last wrote events to the warehouse (0: not since start)', (b) => seconds(b.lastLoadAt ?? 0));
    fromBacklog('signalbox_warehouse_lag_seconds', 'Seconds since the loader last had nothing left to load (0 while caught up)', (b, now) =>
      b.events === 0 ? 0 : seconds(now - (b.caughtUpAt ?? startedAt)));
  }

  /** Report bad-row counts by source (the bad-rows store's `countsBySource`). */
  trackBadRows(bad: { readonly countsBySource: ReadonlyMap<string, number> }): void {
    this.badRowCounts = () => bad.countsBySource;
  }

  /** Time every request of `app` (register before the routes). */
  observeRequests(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      this.requestDuration.observe(
        { route: request.routeOptions.url ?? 'unmatched', method: request.method, status_class: `${Math.floor(reply.statusCode / 100)}xx` },
        reply.elapsedTime / 1000,
      );
    });
  }
}
