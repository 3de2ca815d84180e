/**
 * Rule evaluation after each event (design §3 "Interventions", reference §4.10, §16.2 step 7).
 *
 * The evaluator is the stream engine's event observer (stream/engine.ts): it names, while the
 * engine plans a batch, the identifiers it will read (the event's identifier of every key the
 * rules read or target), and it is called after each event is folded into the batch's working
 * set with the attributes the event updated. For every published intervention referencing one:
 * 1. each referenced group is read with the identifier of its own key from the triggering event;
 * 2. targets are the intervention's target keys whose identifier is present in the event;
 * 3. targets that already carry a fired marker for (intervention, version) are left alone (their
 *    marker's expiry moves on, as the target's state TTL does); if none is left, stop here;
 * 4. if the criteria hold, one `intervention_id` is minted for this firing, each remaining
 *    target gets a marker and an instance whose `attributes` are the target key's referenced
 *    attributes as strings (JSON text for non-strings).
 *
 * Markers are records' state in the working set, so claiming one commits with the batch, atomically
 * (profiles-store.ts): firings are delivered only once the batch has committed. Markers are set
 * during log replay too — deterministically, from the same events, processing times and recorded
 * view — but nothing is delivered until `goLive()`.
 */
import { randomUUID } from 'node:crypto';
import {
  type CompiledIntervention,
  type CompiledInterventions,
  type CriteriaCounters,
  type EnrichedEvent,
  type InterventionInstance,
  type InterventionView,
  type ReadableAttribute,
  compileView,
  identifierOf,
} from '@signalbox/core';
import { isExpired } from '@signalbox/core/internal';
import type { ProfileRecord } from '../profiles/profiles-store.js';
import { type LiveState, hasLiveState, readLiveAttribute } from '../serving/attribute-reader.js';
import type { AttributeTouch, EventObserver, RecordLookup } from '../stream/engine.js';

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

export class InterventionEvaluator implements EventObserver {
  private compiled: CompiledInterventions = compileView(null);
  private live = false;
  private readonly listeners: Array<(firing: Firing) => void> = [];
  /** Firings of the batch being folded, delivered when it commits. */
  private pending: Firing[] = [];
  readonly counters: EvaluatorCounters = { evaluations: 0, fired: 0, replayed: 0, rlikeBudgetExceeded: 0 };

  constructor(private readonly rlikeBudget: number) {}

  /** Load a (recorded) view. */
  load(view: InterventionView | null): string[] {
    this.compiled = compileView(view, { rlikeBudget: this.rlikeBudget, counters: this.counters });
    return this.compiled.problems;
  }

  get interventions(): readonly CompiledIntervention[] {
    return this.compiled.list;
  }

  get active(): boolean {
    return this.compiled.byHash.size > 0;
  }

  /** From now on firings are delivered (call after the log has been replayed). */
  goLive(): void {
    this.live = true;
  }

  onFiring(listener: (firing: Firing) => void): void {
    this.listeners.push(listener);
  }

  watches(hash: string): boolean {
    return this.compiled.byHash.has(hash);
  }

  /** The event's identifier of every key the rules read or target: all of them are read or marked. */
  identifiersFor(event: EnrichedEvent, add: (keyName: string, id: string) => void): void {
    for (const [keyName, read] of this.compiled.keyReaders) {
      const id = identifierOf(read(event));
      if (id !== undefined) add(keyName, id);
    }
  }

  observe(event: EnrichedEvent, touched: readonly AttributeTouch[], now: number, records: RecordLookup): void {
    const { byHash } = this.compiled;
    let candidates: Set<CompiledIntervention> | undefined;
    for (const t of touched) {
      const list = byHash.get(t.hash);
      if (!list) continue;
      candidates ??= new Set();
      for (const i of list) candidates.add(i);
    }
    if (!candidates) return;
    const context = new EventContext(records, this.compiled, event, touched, now);
    for (const intervention of candidates) this.evaluate(intervention, context, now);
  }

  committed(): void {
    const firings = this.pending;
    if (firings.length === 0) return;
    this.pending = [];
    for (const firing of firings) {
      this.counters.fired++;
      for (const listener of this.listeners) listener(firing);
    }
  }

  abandoned(): void {
    this.pending = [];
  }

  private evaluate(intervention: CompiledIntervention, context: EventContext, now: number): void {
    const pending: Array<{ record: ProfileRecord; ttlMs: number }> = [];
    for (const target of intervention.targets) {
      const record = context.recordOf(target.keyName);
      if (!record) continue;
      const expiresAt = record.markerExpiry(intervention.marker);
      if (expiresAt !== undefined && expiresAt > now) record.setMarker(intervention.marker, now + target.ttlMs);
      else pending.push({ record, ttlMs: target.ttlMs });
    }
    if (pending.length === 0) return;
    this.counters.evaluations++;
    if (!intervention.evaluate((reference) => context.read(intervention, reference))) return;
    for (const p of pending) p.record.setMarker(intervention.marker, now + p.ttlMs);
    if (!this.live) {
      this.counters.replayed++;
      return;
    }
    const interventionId = randomUUID();
    const instances = pending.map(({ record }): InterventionInstance => {
      const attributes: Record<string, string> = {};
      for (const ref of intervention.references.values()) {
        if (ref.group.keyName === record.keyName) attributes[ref.reference] = payloadValue(context.read(intervention, ref.reference));
      }
      return {
        intervention_id: interventionId,
        name: intervention.name,
        version: intervention.version,
        target_attribute_key: { name: record.keyName, id: record.id },
        attributes,
      };
    });
    this.pending.push({ interventionId, name: intervention.name, version: intervention.version, at: now, instances });
  }
}

/** Identifiers and attribute reads for one event, each computed at most once. */
class EventContext {
  private readonly ids = new Map<string, string | undefined>();
  private readonly liveness = new Map<string, boolean>();
  private readonly values = new Map<string, unknown>();

  constructor(
    private readonly records: RecordLookup,
    private readonly compiled: CompiledInterventions,
    private readonly event: EnrichedEvent,
    touched: readonly AttributeTouch[],
    private readonly now: number,
  ) {
    for (const t of touched) this.ids.set(t.keyName, t.id);
  }

  /** The event's identifier for a key, as the stream engine reads it; undefined when absent. */
  private idOf(keyName: string): string | undefined {
    if (this.ids.has(keyName)) return this.ids.get(keyName);
    const id = identifierOf(this.compiled.keyReaders.get(keyName)?.(this.event));
    this.ids.set(keyName, id);
    return id;
  }

  /** The working-set record of the event's identifier for a key; undefined when the event has none. */
  recordOf(keyName: string): ProfileRecord | undefined {
    const id = this.idOf(keyName);
    if (id === undefined) return undefined;
    const record = this.records(keyName, id);
    // The engine loads every identifier identifiersFor named: a miss is a bug, not an absent identifier.
    if (!record) throw new Error(`rule interventions: (${keyName}, ${id}) was not loaded with the batch`);
    return record;
  }

  read(intervention: CompiledIntervention, reference: string): unknown {
    const ref = intervention.references.get(reference);
    if (!ref?.attribute) return null;
    const record = this.recordOf(ref.group.keyName);
    if (!record) return null;
    const valueKey = `${ref.groupId}\u0000${ref.attribute.name}\u0000${record.id}`;
    if (this.values.has(valueKey)) return this.values.get(valueKey);
    const liveState: LiveState = (a: ReadableAttribute) => {
      const state = a.hash === undefined ? undefined : record.state(a.hash);
      return state && !isExpired(a.spec!, state, this.now) ? state : undefined;
    };
    const liveKey = `${ref.groupId}\u0000${record.id}`;
    let live = this.liveness.get(liveKey);
    if (live === undefined) {
      live = hasLiveState(liveState, ref.group.attributes);
      this.liveness.set(liveKey, live);
    }
    const value = live ? readLiveAttribute(liveState, ref.attribute, this.now) : null;
    this.values.set(valueKey, value);
    return value;
  }
}
