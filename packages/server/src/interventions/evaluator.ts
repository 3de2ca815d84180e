/**
 * Rule evaluation after each event (design §3 "Interventions", reference §4.10, §16.2 step 7).
 *
 * The stream engine calls `onTouch` synchronously with the attributes an event updated. For every
 * published intervention referencing one of them:
 * 1. each referenced group is read with the identifier of its own key from the triggering event;
 * 2. targets are the intervention's target keys whose identifier is present in the event;
 * 3. targets that already carry a fired marker for (intervention, version) are left alone (their
 *    marker's expiry moves on, as the target's state TTL does); if none is left, stop here;
 * 4. if the criteria hold, one `intervention_id` is minted for this firing, each remaining
 *    target gets a marker and an instance whose `attributes` are the target key's referenced
 *    attributes as strings (JSON text for non-strings).
 *
 * Markers are set in the Profiles Store during log replay too — deterministically, from the same
 * events, processing times and recorded view — but nothing is delivered until `goLive()`.
 */
import { randomUUID } from 'node:crypto';
import {
  type CompiledIntervention,
  type CompiledInterventions,
  type CriteriaCounters,
  type EnrichedEvent,
  type InterventionInstance,
  type InterventionView,
  compileView,
} from '@signalbox/core';
import type { ProfilesStore } from '../profiles/profiles-store.js';
import { hasLiveState, readLiveAttribute } from '../serving/attribute-reader.js';
import type { AttributeTouch } from '../stream/engine.js';

/** One firing: one id, one instance per target. */
export interface Firing {
  interventionId: string;
  name: string;
  version: number;
  /** Processing time of the triggering event. */
  at: number;
  instances: InterventionInstance[];
}

export interface EvaluatorCounters extends CriteriaCounters {
  evaluations: number;
  fired: number;
  /** Firings recomputed while replaying the log at start (markers set, nothing delivered). */
  replayed: number;
}

/** The payload form of a value: strings as they are, anything else as JSON text. */
export function payloadValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

export class InterventionEvaluator {
  private compiled: CompiledInterventions = compileView(null);
  private live = false;
  private readonly listeners: Array<(firing: Firing) => void> = [];
  readonly counters: EvaluatorCounters = { evaluations: 0, fired: 0, replayed: 0, rlikeBudgetExceeded: 0 };

  constructor(
    private readonly store: ProfilesStore,
    private readonly rlikeBudget: number,
  ) {}

  /** Load a (recorded) view. */
  load(view: InterventionView | null): string[] {
    this.compiled = compileView(view, { rlikeBudget: this.rlikeBudget, counters: this.counters });
    return this.compiled.problems;
  }

  get interventions(): readonly CompiledIntervention[] {
    return this.compiled.list;
  }

  /** From now on firings are delivered (call after the log has been replayed). */
  goLive(): void {
    this.live = true;
  }

  onFiring(listener: (firing: Firing) => void): void {
    this.listeners.push(listener);
  }

  readonly onTouch = (event: EnrichedEvent, touched: AttributeTouch[], now: number): void => {
    const { byHash } = this.compiled;
    if (byHash.size === 0) return;
    let candidates: Set<CompiledIntervention> | undefined;
    for (const t of touched) {
      const list = byHash.get(t.hash);
      if (!list) continue;
      candidates ??= new Set();
      for (const i of list) candidates.add(i);
    }
    if (!candidates) return;
    const context = new EventContext(this.store, this.compiled, event, touched, now);
    for (const intervention of candidates) this.evaluate(intervention, context, now);
  };

  private evaluate(intervention: CompiledIntervention, context: EventContext, now: number): void {
    const pending: Array<{ keyName: string; id: string; ttlMs: number }> = [];
    for (const target of intervention.targets) {
      const id = context.idOf(target.keyName);
      if (id === undefined) continue;
      if (this.store.hasMarker(target.keyName, id, intervention.marker, now)) {
        this.store.setMarker(target.keyName, id, intervention.marker, now + target.ttlMs);
      } else {
        pending.push({ keyName: target.keyName, id, ttlMs: target.ttlMs });
      }
    }
    if (pending.length === 0) return;
    this.counters.evaluations++;
    if (!intervention.evaluate((reference) => context.read(intervention, reference))) return;
    for (const p of pending) this.store.setMarker(p.keyName, p.id, intervention.marker, now + p.ttlMs);
    if (!this.live) {
      this.counters.replayed++;
      return;
    }
    this.counters.fired++;
    const interventionId = randomUUID();
    const instances = pending.map((p): InterventionInstance => {
      const attributes: Record<string, string> = {};
      for (const ref of intervention.references.values()) {
        if (ref.group.keyName === p.keyName) attributes[ref.reference] = payloadValue(context.read(intervention, ref.reference));
      }
      return {
        intervention_id: interventionId,
        name: intervention.name,
        version: intervention.version,
        target_attribute_key: { name: p.keyName, id: p.id },
        attributes,
      };
    });
    const firing: Firing = { interventionId, name: intervention.name, version: intervention.version, at: now, instances };
    for (const listener of this.listeners) listener(firing);
  }
}

/** Identifiers and attribute reads for one event, each computed at most once. */
class EventContext {
  private readonly ids = new Map<string, string | undefined>();
  private readonly liveness = new Map<string, boolean>();
  private readonly values = new Map<string, unknown>();

  constructor(
    private readonly store: ProfilesStore,
    private readonly compiled: CompiledInterventions,
    private readonly event: EnrichedEvent,
    touched: AttributeTouch[],
    private readonly now: number,
  ) {
    for (const t of touched) this.ids.set(t.keyName, t.id);
  }

  /** The event's identifier for a key, as the stream engine reads it; undefined when absent. */
  idOf(keyName: string): string | undefined {
    if (this.ids.has(keyName)) return this.ids.get(keyName);
    const raw = this.compiled.keyReaders.get(keyName)?.(this.event);
    const id = raw === undefined || raw === null || raw === '' ? undefined : typeof raw === 'string' ? raw : String(raw);
    this.ids.set(keyName, id);
    return id;
  }

  read(intervention: CompiledIntervention, reference: string): unknown {
    const ref = intervention.references.get(reference);
    if (!ref?.attribute) return null;
    const keyName = ref.group.keyName;
    const id = this.idOf(keyName);
    if (id === undefined) return null;
    const valueKey = `${ref.groupId}\u0000${ref.attribute.name}\u0000${id}`;
    if (this.values.has(valueKey)) return this.values.get(valueKey);
    const liveKey = `${ref.groupId}\u0000${id}`;
    let live = this.liveness.get(liveKey);
    if (live === undefined) {
      live = hasLiveState(this.store, keyName, id, ref.group.attributes, this.now);
      this.liveness.set(liveKey, live);
    }
    const value = live ? readLiveAttribute(this.store, keyName, id, ref.attribute, this.now) : null;
    this.values.set(valueKey, value);
    return value;
  }
}
