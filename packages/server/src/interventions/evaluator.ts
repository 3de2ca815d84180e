/**
 * Rule evaluation after each event (design §3 "Interventions", reference §4.10, §16.2 step 7).
 *
 * The stream engine commits an event's updates, then calls `onTouch.touched` with the attributes
 * it updated (before applying the next event, for attributes `onTouch.watches`). For every
 * published intervention referencing one of them:
 * 1. the referenced groups are read in one store read, each group with the identifier of its own
 *    key from the triggering event;
 * 2. targets are the intervention's target keys whose identifier is present in the event;
 * 3. if the criteria hold, each target's marker for (intervention, version) is claimed in the
 *    Profiles Store; only targets whose claim this evaluation won fire (two workers never fire
 *    the same intervention twice). Claimed or renewed (when the criteria do not hold), a live
 *    marker's expiry moves on with every evaluation, as the target's state TTL does;
 * 4. one `intervention_id` is minted for this firing, each winning target gets an instance whose
 *    `attributes` are the target key's referenced attributes as strings (JSON text for non-strings).
 *
 * Markers are claimed during log replay too — deterministically, from the same events,
 * processing times and recorded view — but nothing is delivered until `goLive()`.
 */
import { randomUUID } from 'node:crypto';
import type { EnrichedEvent, InterventionInstance } from '@signalbox/core';
import type { ProfilesStore } from '../profiles/profiles-store.js';
import { type ReadableAttribute, type StateOf, hasLiveState, positionsOf, readLiveAttribute, readsOf, stateLookup } from '../serving/attribute-reader.js';
import type { AttributeTouch, TouchListener } from '../stream/engine.js';
import type { CriteriaCounters } from '@signalbox/core';
import { type CompiledIntervention, type CompiledInterventions, type InterventionView, compileView } from './view.js';

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

  readonly onTouch: TouchListener = {
    watches: (hash) => this.compiled.byHash.has(hash),
    touched: async (event, touched, now) => {
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
      const context = new EventContext(this.compiled, event, touched, now);
      await context.load(this.store, candidates);
      for (const intervention of candidates) await this.evaluate(intervention, context, now);
    },
  };

  private async evaluate(intervention: CompiledIntervention, context: EventContext, now: number): Promise<void> {
    const targets: Array<{ keyName: string; id: string; ttlMs: number }> = [];
    for (const target of intervention.targets) {
      const id = context.idOf(target.keyName);
      if (id !== undefined) targets.push({ keyName: target.keyName, id, ttlMs: target.ttlMs });
    }
    if (targets.length === 0) return;
    this.counters.evaluations++;
    if (!intervention.evaluate((reference) => context.read(intervention, reference))) {
      await Promise.all(targets.map((t) => this.store.renew(t.keyName, t.id, intervention.marker, now + t.ttlMs, now)));
      return;
    }
    const won = await Promise.all(targets.map((t) => this.store.claim(t.keyName, t.id, intervention.marker, now + t.ttlMs, now)));
    const pending = targets.filter((_, i) => won[i]);
    if (pending.length === 0) return;
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

/** Identifiers and attribute reads for one event: state read once, each value computed at most once. */
class EventContext {
  private readonly ids = new Map<string, string | undefined>();
  /** Per attribute key: the state lookup for the event's identifier of that key. */
  private readonly states = new Map<string, StateOf>();
  private readonly liveness = new Map<string, boolean>();
  private readonly values = new Map<string, unknown>();

  constructor(
    private readonly compiled: CompiledInterventions,
    private readonly event: EnrichedEvent,
    touched: AttributeTouch[],
    private readonly now: number,
  ) {
    for (const t of touched) this.ids.set(t.keyName, t.id);
  }

  /** Read every group the candidates reference, for the event's identifiers, in one store read. */
  async load(store: ProfilesStore, candidates: Iterable<CompiledIntervention>): Promise<void> {
    const byKey = new Map<string, ReadableAttribute[]>();
    for (const intervention of candidates) {
      for (const ref of intervention.references.values()) {
        if (!ref.attribute || this.idOf(ref.group.keyName) === undefined) continue;
        const list = byKey.get(ref.group.keyName) ?? [];
        list.push(...ref.group.attributes);
        byKey.set(ref.group.keyName, list);
      }
    }
    const requests = [...byKey].map(([keyName, attributes]) => ({ keyName, id: this.idOf(keyName)!, attributes: readsOf(attributes) }));
    if (requests.length === 0) return;
    const states = await store.read(requests, this.now);
    requests.forEach((r, i) => this.states.set(r.keyName, stateLookup(positionsOf(r.attributes), states[i]!)));
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
    const stateOf = this.states.get(keyName);
    if (id === undefined || !stateOf) return null;
    const valueKey = `${ref.groupId}\u0000${ref.attribute.name}`;
    if (this.values.has(valueKey)) return this.values.get(valueKey);
    let live = this.liveness.get(ref.groupId);
    if (live === undefined) {
      live = hasLiveState(stateOf, ref.group.attributes);
      this.liveness.set(ref.groupId, live);
    }
    const value = live ? readLiveAttribute(stateOf, ref.attribute, this.now) : null;
    this.values.set(valueKey, value);
    return value;
  }
}
