/**
 * The composition root (design §4 "Composition by role"): the only module that knows every room.
 * `createSignalbox` parses the backends, opens each room with its factory (composition/), and
 * wires the registry, Profiles Store, stream engine with its durable log, interventions, serving
 * and the warehouse loader; `startSignalbox` adds the HTTP app and is what `signalbox start` and
 * the tests call. Routes never import this module: `http/app.ts` hands each one its services.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeAttribute, durationSeconds } from '@signalbox/core';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { SignalboxConfig } from './config.js';
import { SignalboxError } from './errors.js';
import { buildApp } from './http/app.js';
import { Metrics } from './metrics.js';
import type { MemoryProfilesStore } from './profiles/memory-store.js';
import { type ResolvedApiKey, resolveApiKey } from './registry/api-keys.js';
import type { RegistryStore } from './registry/registry-store.js';
import { Registry } from './registry/registry.js';
import { OnlineAttributes } from './serving/online-attributes.js';
import { BadRows } from './bad-rows/bad-rows.js';
import { Durability, type LoggedEvent } from './stream/durability.js';
import { Interventions, interventionsConfig } from './interventions/index.js';
import { type ProcessSummary, StreamEngine } from './stream/engine.js';
import { type EngineView, EngineViews } from './stream/engine-views.js';
import type { EnrichedEvent } from '@signalbox/core';
import { WarehouseLoaderThread } from './warehouse/index.js';
import { parseBackends } from './composition/backends.js';
import { openProfilesStore, openRegistryStore } from './composition/factories.js';

export const DEFAULT_CONFIG: SignalboxConfig = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: './.signalbox',
  apiKey: undefined,
  profiles: 'memory',
  source: 'embedded',
  warehouse: 'duckdb',
  registry: 'file',
  role: 'all',
  defaultTtlSeconds: durationSeconds('P7D'),
  logLevel: 'info',
  segmentBytes: 256 * 1024 * 1024,
};

const SWEEP_INTERVAL_MS = 60_000;

/** The rooms the factories opened, handed to the constructor. */
interface OpenedParts {
  registryStore: RegistryStore;
  registry: Registry;
  apiKey: ResolvedApiKey;
  store: MemoryProfilesStore;
}

export class Signalbox {
  readonly registryStore: RegistryStore;
  readonly registry: Registry;
  readonly store: MemoryProfilesStore;
  readonly engine: StreamEngine;
  readonly durability: Durability;
  readonly onlineAttributes: OnlineAttributes;
  readonly metrics: Metrics;
  readonly badRows: BadRows;
  /** Rule evaluation, the SSE hub, direct push and webhooks. */
  readonly interventions: Interventions;
  /** Loads every good event into the warehouse's `atomic.events`; `loader.warehouse` runs queries. */
  readonly loader: WarehouseLoaderThread;
  /** The admin key's hash and where it came from (registry/api-keys.ts). */
  readonly apiKey: ResolvedApiKey;
  readonly clock: () => number;
  /** Log records replayed by `open()`. */
  replayedRecords = 0;
  private lastPublishedAt = new Date().toISOString();
  private sweepTimer: NodeJS.Timeout | undefined;
  /** The engine views events are accepted under (stream/engine-views.ts). */
  private readonly views: EngineViews;
  private syncing: Promise<void> = Promise.resolve();
  private readonly eventSinks: Array<(events: EnrichedEvent[]) => void> = [];

  /** Built by `createSignalbox`, which opens the rooms first. */
  constructor(readonly config: SignalboxConfig, parts: OpenedParts, clock: () => number, private readonly logger?: Logger) {
    this.clock = clock;
    ({ registryStore: this.registryStore, registry: this.registry, apiKey: this.apiKey, store: this.store } = parts);
    this.engine = new StreamEngine(this.store);
    this.views = new EngineViews(this.registryStore);
    this.durability = new Durability(this.engine, this.store, { dataDir: config.dataDir, segmentBytes: config.segmentBytes, clock, views: this.views });
    this.onlineAttributes = new OnlineAttributes(this.registry, this.store, config.defaultTtlSeconds);
    this.metrics = new Metrics(this.engine, this.store, clock);
    this.badRows = new BadRows(config.dataDir);
    this.metrics.trackBadRows(this.badRows);
    this.loader = new WarehouseLoaderThread({ warehouse: config.warehouse, dataDir: config.dataDir, logLevel: logger?.level ?? config.logLevel, options: {} }, logger);
    this.metrics.trackWarehouse(this.loader);
    // The loader reads the event log behind the engine; the log keeps what it has not loaded.
    this.durability.addReader(() => this.loader.position(), () => this.loader.notify());
    // Before replay: replay rebuilds fired-intervention markers (and delivers nothing).
    this.interventions = new Interventions({
      engine: this.engine, durability: this.durability, registry: this.registry,
      metrics: this.metrics.registry, dataDir: config.dataDir, config: interventionsConfig(config.interventions),
      defaultTtlSeconds: config.defaultTtlSeconds, clock, logger,
    });
  }

  /** Rebuild state from the snapshot and the log, then go live: deliver firings, follow the registry. */
  async recover(): Promise<void> {
    this.replayedRecords = await this.durability.recover();
    this.interventions.start();
    this.registry.onChange(() => {
      this.onlineAttributes.invalidate();
      // A failure here must not fail the registry write that was already committed; the next
      // change or restart syncs again.
      return this.syncView().catch((error: unknown) => this.logger?.error({ err: error }, 'could not bring the engine to the published view'));
    });
  }

  /**
   * The one way good events enter: logged durably and processed by the stream engine, then
   * handed to every event sink (the Micro inspection API). The warehouse loader reads the log itself.
   */
  async ingest(events: LoggedEvent[]): Promise<ProcessSummary> {
    if (events.length === 0) return { processed: 0, duplicates: 0, updates: 0 };
    const summary = await this.durability.submitEvents(events);
    const enriched = events.map((e) => e.event);
    for (const sink of this.eventSinks) sink(enriched);
    return summary;
  }

  /** Hear about every good event after it was processed (not on log replay at start). */
  addEventSink(sink: (events: EnrichedEvent[]) => void): void {
    this.eventSinks.push(sink);
  }

  /**
   * Bring the engine to what the registry publishes: record the engine view (attributes and rule
   * interventions together) as a numbered row of the registry store when it changed, then accept
   * events under it. One sync at a time, so view numbers are taken in order.
   */
  syncView(): Promise<void> {
    const next = this.syncing.then(() => this.syncViewNow());
    this.syncing = next.catch(() => undefined);
    return next;
  }

  private async syncViewNow(): Promise<void> {
    const view: EngineView = {
      attributes: this.registry.streamView(),
      interventions: this.interventions.currentView(this.durability.interventionsView),
    };
    const { number, changed } = await this.views.record(view);
    if (changed) this.lastPublishedAt = new Date(this.clock()).toISOString();
    await this.durability.switchView(number, view);
  }

  publishedAt(): string {
    return this.lastPublishedAt;
  }

  /** Delete a group version, then drop stored values no published version still computes. */
  async deleteGroupVersion(name: string, version: number): Promise<void> {
    const group = this.registry.getGroup(name, version);
    const key = this.registry.resolveKey(group);
    await this.registry.deleteGroup(name, version);
    const live = new Set(this.registry.streamView().map((a) => a.definition_hash));
    const hashes = (group.attributes ?? [])
      .map((a) => describeAttribute(group, key, a, this.config.defaultTtlSeconds)?.definition_hash)
      .filter((h): h is string => h !== undefined && !live.has(h));
    await this.durability.dropDefinitions(hashes);
  }

  startSweeping(): void {
    this.sweepTimer = setInterval(() => this.store.sweep(this.clock(), this.engine.view.specs), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  /** Stop, flushing the warehouse loader and closing the warehouse (the DuckDB file) last. */
  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.interventions.close();
    await this.durability.close();
    await this.loader.close();
    this.registry.close();
    await this.registryStore.close();
  }
}

export interface RunningSignalbox {
  signalbox: Signalbox;
  app: FastifyInstance;
  /** `http://host:port` */
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: () => number;
  /** Listen on a socket (default). Tests using `app.inject()` pass false. */
  listen?: boolean;
}

/**
 * Compose a running Signalbox without HTTP: parse the backends, open each room with its factory
 * (composition/), recover the engine's state, start the warehouse loader, publish the current view.
 */
export async function createSignalbox(config: SignalboxConfig, options: { clock?: (() => number) | undefined; logger?: Logger | undefined } = {}): Promise<Signalbox> {
  const { clock = Date.now, logger } = options;
  const backends = parseBackends(config);
  mkdirSync(config.dataDir, { recursive: true });
  const registryStore = await openRegistryStore(backends.registry, config.dataDir);
  let signalbox: Signalbox;
  try {
    // The key first: storing a new one is a commit the registry would otherwise reload after.
    const apiKey = await resolveApiKey(registryStore, config.dataDir, config.apiKey);
    const registry = await Registry.open(registryStore, config.defaultTtlSeconds, {
      onReloadError: (error) => logger?.error({ err: error }, 'reloading the registry after another node\'s change failed'),
    });
    signalbox = new Signalbox(config, { registryStore, registry, apiKey, store: openProfilesStore(backends.profiles) }, clock, logger);
  } catch (error) {
    await registryStore.close();
    throw error;
  }
  try {
    await signalbox.recover();
    await signalbox.loader.start();
    await signalbox.syncView();
    signalbox.startSweeping();
  } catch (error) {
    // A bad option or a warehouse that will not open must not leave the log or the DuckDB file open.
    await signalbox.close().catch(() => undefined);
    throw error;
  }
  return signalbox;
}

export async function startSignalbox(partial: Partial<SignalboxConfig> = {}, options: StartOptions = {}): Promise<RunningSignalbox> {
  const config: SignalboxConfig = { ...DEFAULT_CONFIG, ...partial, dataDir: resolve(partial.dataDir ?? DEFAULT_CONFIG.dataDir) };
  const logger = options.logger ?? pino({ level: config.logLevel });
  const signalbox = await createSignalbox(config, { clock: options.clock, logger });
  let app: FastifyInstance;
  let url = '';
  try {
    app = await buildApp(signalbox, logger);
    if (options.listen !== false) {
      url = await app.listen({ host: config.host, port: config.port });
    } else {
      await app.ready();
    }
  } catch (error) {
    // A port in use must not leave the log or the DuckDB file open.
    await signalbox.close().catch(() => undefined);
    throw error;
  }
  let closed = false;
  return {
    signalbox,
    app,
    url,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await signalbox.close();
    },
  };
}

export { SignalboxError };
