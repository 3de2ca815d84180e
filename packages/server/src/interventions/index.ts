/**
 * Interventions: how Signalbox acts. Wires rule evaluation (evaluator.ts) into the stream engine,
 * records the published rules in the event log (the interventions view, built by core's
 * `buildView`), and fans fired and pushed interventions out to SSE subscribers (hub.ts) and
 * webhooks (webhooks/).
 */
import { randomUUID } from 'node:crypto';
import { type InterventionInstance, type InterventionSource, type InterventionView, buildView } from '@signalbox/core';
import type { Logger } from 'pino';
import { Gauge, type Registry as MetricsRegistry } from 'prom-client';
import { countFrom } from '../metrics.js';
import type { Durability } from '../stream/durability.js';
import type { StreamEngine } from '../stream/engine.js';
import type { InterventionsConfig } from './config.js';
import { InterventionEvaluator, payloadValue } from './evaluator.js';
import { InterventionHub, type Target } from './hub.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import { WebhookStore } from './webhooks/webhook-store.js';

export type DeliveryStatus = 'success' | 'undelivered' | 'failure';

export interface InterventionsDeps {
  engine: StreamEngine;
  durability: Durability;
  registry: InterventionSource;
  metrics: MetricsRegistry;
  dataDir: string;
  config: InterventionsConfig;
  defaultTtlSeconds: number;
  clock: () => number;
  logger?: Logger | undefined;
}

export class Interventions {
  readonly evaluator: InterventionEvaluator;
  readonly hub: InterventionHub;
  readonly webhooks: WebhookStore;
  readonly dispatcher: WebhookDispatcher;
  pushed = 0;

  /** Call before the durable log is replayed: replay must see the evaluator. */
  constructor(private readonly deps: InterventionsDeps) {
    const { config } = deps;
    this.evaluator = new InterventionEvaluator(config.rlikeBudget);
    deps.engine.observeWith(this.evaluator);
    deps.durability.onInterventionsView((view) => {
      for (const problem of this.evaluator.load(view as InterventionView | null)) {
        deps.logger?.error(`rule intervention not evaluated: ${problem}`);
      }
    });
    this.hub = new InterventionHub({ ...config, clock: deps.clock });
    this.webhooks = new WebhookStore(deps.dataDir);
    this.dispatcher = new WebhookDispatcher(this.webhooks, deps.dataDir, config.webhooks, deps.clock, deps.logger);
    this.evaluator.onFiring((firing) => {
      this.hub.publish(firing.instances);
      this.dispatcher.enqueue(firing);
    });
    this.registerMetrics(deps.metrics);
  }

  /** After the log was replayed: deliver from now on, and resume pending webhook deliveries. */
  start(): void {
    this.evaluator.goLive();
    this.dispatcher.start();
  }

  /**
   * The rule interventions view of what the registry publishes now, for the next engine view
   * (stream/engine-views.ts); `previous` when it cannot be resolved, so the rules in force stay.
   */
  currentView(previous: unknown): unknown {
    try {
      const view = buildView(this.deps.registry, this.deps.defaultTtlSeconds);
      // Nothing published is null, as in an engine view before any publish.
      return view.interventions.length === 0 ? null : view;
    } catch (error) {
      this.deps.logger?.error({ err: error }, 'could not resolve the published interventions; keeping the previous rules');
      return previous;
    }
  }

  /**
   * Direct push (reference §3.3): the instance to every subscriber of each target, with one id.
   * `success` when at least one subscriber received it, `undelivered` when nobody listens.
   */
  push(targets: readonly Target[], instance: InterventionInstance): { status: DeliveryStatus; intervention_id: string } {
    const interventionId = instance.intervention_id ?? randomUUID();
    try {
      const attributes = Object.fromEntries(Object.entries(instance.attributes ?? {}).map(([k, v]) => [k, payloadValue(v)]));
      const instances = targets.map((t): InterventionInstance => ({
        intervention_id: interventionId,
        name: instance.name,
        version: instance.version,
        target_attribute_key: { name: t.name, id: t.id },
        attributes,
      }));
      this.pushed++;
      const reached = this.hub.publish(instances);
      return { status: reached > 0 ? 'success' : 'undelivered', intervention_id: interventionId };
    } catch (error) {
      this.deps.logger?.error({ err: error }, 'direct intervention push failed');
      return { status: 'failure', intervention_id: interventionId };
    }
  }

  close(): void {
    this.hub.close();
    this.dispatcher.close();
  }

  private registerMetrics(registry: MetricsRegistry): void {
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
    const counter = (name: string, help: string, read: () => number) => countFrom(registry, name, help, read);
    const e = this.evaluator.counters;
    const h = this.hub.counters;
    const w = this.dispatcher.counters;
    counter('signalbox_interventions_fired_total', 'Rule interventions fired (one per firing, shared by its targets)', () => e.fired);
    counter('signalbox_interventions_evaluations_total', 'Rule criteria evaluations after attribute updates', () => e.evaluations);
    counter('signalbox_interventions_pushed_total', 'Interventions pushed with POST /api/v1/interventions', () => this.pushed);
    counter('signalbox_interventions_rlike_budget_exceeded_total', 'rlike matches abandoned at their step budget (treated as not comparable)', () => e.rlikeBudgetExceeded);
    gauge('signalbox_published_interventions', 'Rule interventions the engine evaluates', () => this.evaluator.interventions.length);
    gauge('signalbox_sse_subscribers', 'Open intervention streams', () => this.hub.subscriberCount);
    counter('signalbox_sse_frames_sent_total', 'Intervention frames written to subscribers', () => h.framesSent);
    counter('signalbox_sse_replayed_total', 'Intervention frames replayed on reconnect with Last-Event-ID', () => h.replayed);
    counter('signalbox_sse_subscribers_cut_off_total', 'Subscribers disconnected because they did not read fast enough', () => h.cutOff);
    counter('signalbox_webhook_deliveries_total', 'Webhook deliveries answered with 2xx', () => w.delivered);
    counter('signalbox_webhook_failed_attempts_total', 'Webhook attempts that failed (each retry counts)', () => w.failedAttempts);
    counter('signalbox_webhook_dead_letters_total', 'Webhook deliveries given up and put on the dead-letter list', () => w.deadLettered);
    gauge('signalbox_webhook_pending', 'Webhook deliveries waiting or retrying', () => this.dispatcher.pendingCount);
  }
}

export type { Target } from './hub.js';
export type { Firing } from './evaluator.js';
export { interventionsConfig, type InterventionsConfig, type InterventionsOptions } from './config.js';
