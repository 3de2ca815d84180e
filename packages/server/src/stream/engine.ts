/**
 * The stream engine (reference §16.2, design §3 and §4 "Profiles Store"): folds a batch of
 * enriched events into the Profiles Store with one working set.
 *
 * 1. Plan (pure, no store): for each event, the published attributes that select it, the
 *    identifier of each attribute's key, the filter and the accepted value — kept in flat arrays,
 *    one entry per (event, attribute), plus the distinct identifiers the batch touches.
 * 2. Load those identifiers (and whatever the event observer — rule interventions — reads).
 * 3. Fold, event by event in order: per identifier, an event it already consumed changes nothing
 *    there; otherwise core's `applyEvent` updates each attribute. The observer evaluates after
 *    each event, on the same records, so it sees the state as of that event.
 * 4. Commit once. A commit that lost a race re-runs the batch from step 2.
 *
 * Deterministic given (events, now): replaying the event log with the recorded processing times
 * rebuilds exactly the same state.
 */
import { CompiledView, type CompiledAttribute, type EnrichedEvent, eventTime, identifierOf } from '@signalbox/core';
import { SKIPPED, acceptValue, applyEvent } from '@signalbox/core/internal';
import { detach } from '../detach.js';
import { type ProfileRecord, type ProfileRef, type ProfilesStore, ProfilesConflictError } from '../profiles/profiles-store.js';

export interface ProcessSummary {
  /** Events that updated something, or had nothing to update. */
  processed: number;
  /** Events every identifier they update had already consumed (a resend). */
  duplicates: number;
  updates: number;
}

/** What one event changed: the (attribute key, identifier, definition hash) triples it updated. */
export interface AttributeTouch {
  keyName: string;
  id: string;
  hash: string;
}

export interface EngineCounters {
  events: number;
  duplicates: number;
  updates: number;
  /** Values a numeric aggregation could not use (not a number or numeric string). */
  skippedValues: number;
  /** Events that fell in a tile already outside an attribute's window. */
  lateEvents: number;
  /** Commits that lost a race with another worker and were run again. */
  conflicts: number;
}

/** The last event the engine applied, for its freshness metrics. */
export interface LastApplied {
  /** The event's time (`eventTime`), epoch ms. */
  eventTime: number;
  /** When it was processed, epoch ms. */
  processedAt: number;
}

/** The records of the batch's working set, by identifier. */
export type RecordLookup = (keyName: string, id: string) => ProfileRecord | undefined;

/** Hears every event that updated attributes, as it is folded (rule interventions). */
export interface EventObserver {
  /** Whether anything would be observed: when false the engine keeps no per-event touches. */
  readonly active: boolean;
  /** Whether an update of this definition is observed. */
  watches(hash: string): boolean;
  /** While planning an event that updates a watched definition: the identifiers it will read. */
  identifiersFor(event: EnrichedEvent, add: (keyName: string, id: string) => void): void;
  /** After the event's updates were folded into the working set. */
  observe(event: EnrichedEvent, touched: readonly AttributeTouch[], now: number, records: RecordLookup): void;
  /** The batch committed: what was observed stands. */
  committed(): void;
  /** The batch will be run again: forget what was observed. */
  abandoned(): void;
}

/** A commit that keeps losing races means something is wrong; give up rather than spin. */
const MAX_ATTEMPTS = 10;

/** A planned batch: one entry per (event, attribute) in the flat arrays, in event order. */
interface Plan {
  refs: ProfileRef[];
  /** keyName → id → index in refs */
  refIndex: Map<string, Map<string, number>>;
  /** The ref the last touch went to. */
  lastRef: number;
  touchEvent: number[];
  touchAttribute: CompiledAttribute[];
  touchRef: number[];
  touchValue: unknown[];
  /** Per event: its time (0 for an event no attribute selects). */
  times: number[];
  skippedValues: number;
}

/** What folding a plan into a working set did. */
interface FoldOutcome {
  summary: ProcessSummary;
  /** Updates whose tile was already outside the attribute's window. */
  late: number;
  /** The index of the last event processed (not a duplicate), or -1. */
  last: number;
}

export class StreamEngine {
  private compiled = new CompiledView([]);
  readonly counters: EngineCounters = { events: 0, duplicates: 0, updates: 0, skippedValues: 0, lateEvents: 0, conflicts: 0 };
  private observer: EventObserver | undefined;
  lastApplied: LastApplied | undefined;

  constructor(readonly store: ProfilesStore) {}

  get view(): CompiledView {
    return this.compiled;
  }

  loadView(view: CompiledView): void {
    this.compiled = view;
  }

  /** Interventions observe here which attributes each event updated. */
  observeWith(observer: EventObserver): void {
    this.observer = observer;
  }

  async process(events: readonly EnrichedEvent[], now: number): Promise<ProcessSummary> {
    const plan = this.plan(events, now);
    for (let attempt = 1; ; attempt++) {
      const workingSet = await this.store.load(plan.refs, now);
      let outcome: FoldOutcome;
      try {
        outcome = this.fold(events, plan, workingSet.records, now);
      } catch (error) {
        // A fold that throws is a bug; free the identifiers so later batches are not stuck behind it.
        workingSet.abandon();
        this.observer?.abandoned();
        throw error;
      }
      try {
        await workingSet.commit();
      } catch (error) {
        this.observer?.abandoned();
        if (error instanceof ProfilesConflictError && attempt < MAX_ATTEMPTS) {
          this.counters.conflicts++;
          continue;
        }
        throw error;
      }
      this.observer?.committed();
      const { summary } = outcome;
      if (outcome.last >= 0) this.lastApplied = { eventTime: eventTime(events[outcome.last]!, now), processedAt: now };
      this.counters.events += summary.processed;
      this.counters.duplicates += summary.duplicates;
      this.counters.updates += summary.updates;
      this.counters.skippedValues += plan.skippedValues;
      this.counters.lateEvents += outcome.late;
      return summary;
    }
  }

  private plan(events: readonly EnrichedEvent[], now: number): Plan {
    const plan: Plan = { refs: [], refIndex: new Map(), lastRef: -1, touchEvent: [], touchAttribute: [], touchRef: [], touchValue: [], times: [], skippedValues: 0 };
    const observer = this.observer?.active ? this.observer : undefined;
    const add = (keyName: string, id: string) => refOf(plan, keyName, id);
    for (let e = 0; e < events.length; e++) {
      const event = events[e]!;
      const candidates = this.compiled.candidates(event);
      plan.times.push(candidates.length > 0 ? eventTime(event, now) : 0);
      if (candidates.length === 0) continue;
      let watched = false;
      for (const attribute of candidates) {
        const id = identifierOf(attribute.readKey(event));
        if (id === undefined) continue;
        if (!attribute.passes(event)) continue;
        let value: unknown = null;
        if (attribute.readValue) {
          value = acceptValue(attribute.spec.aggregation, attribute.readValue(event));
          if (value === undefined) continue;
          if (value === SKIPPED) {
            plan.skippedValues++;
            continue;
          }
          // State outlives the request body the value was cut from.
          if (typeof value === 'string') value = detach(value);
        }
        plan.touchEvent.push(e);
        plan.touchAttribute.push(attribute);
        plan.touchRef.push(refOf(plan, attribute.keyName, id));
        plan.touchValue.push(value);
        if (observer && !watched) watched = observer.watches(attribute.hash);
      }
      if (watched) observer!.identifiersFor(event, add);
    }
    return plan;
  }

  private fold(events: readonly EnrichedEvent[], plan: Plan, records: readonly ProfileRecord[], now: number): FoldOutcome {
    const summary: ProcessSummary = { processed: 0, duplicates: 0, updates: 0 };
    const observer = this.observer?.active ? this.observer : undefined;
    const lookup: RecordLookup = (keyName, id) => {
      const i = plan.refIndex.get(keyName)?.get(id);
      return i === undefined ? undefined : records[i];
    };
    const { touchEvent, touchAttribute, touchRef, touchValue } = plan;
    const n = touchEvent.length;
    // Per event: the identifiers consuming it now, and those that had consumed it before.
    const fresh: ProfileRecord[] = [];
    const consumedBefore: ProfileRecord[] = [];
    let late = 0;
    let last = -1;
    let t = 0;
    for (let e = 0; e < events.length; e++) {
      if (t >= n || touchEvent[t] !== e) {
        summary.processed++;
        last = e;
        continue;
      }
      const event = events[e]!;
      const eventId = String(event['event_id']);
      const time = plan.times[e]!;
      const touched: AttributeTouch[] | undefined = observer ? [] : undefined;
      fresh.length = 0;
      consumedBefore.length = 0;
      for (; t < n && touchEvent[t] === e; t++) {
        const record = records[touchRef[t]!]!;
        if (!fresh.includes(record)) {
          if (consumedBefore.includes(record)) continue;
          if (record.hasConsumed(eventId)) {
            consumedBefore.push(record);
            continue;
          }
          record.consume(eventId);
          fresh.push(record);
        }
        const attribute = touchAttribute[t]!;
        const next = applyEvent(attribute.spec, record.state(attribute.hash), touchValue[t], time, now);
        if (!next) {
          late++;
          continue;
        }
        record.setState(attribute.hash, next);
        summary.updates++;
        touched?.push({ keyName: record.keyName, id: record.id, hash: attribute.hash });
      }
      if (fresh.length === 0) {
        summary.duplicates++;
        continue;
      }
      summary.processed++;
      last = e;
      if (touched && touched.length > 0) observer!.observe(event, touched, now, lookup);
    }
    return { summary, late, last };
  }
}

/** The index of (key, id) among the plan's refs, added when new. */
function refOf(plan: Plan, keyName: string, id: string): number {
  // An event's attributes mostly share one key: its touches come in runs of one identifier.
  const last = plan.lastRef;
  if (last >= 0 && plan.refs[last]!.id === id && plan.refs[last]!.keyName === keyName) return last;
  let ids = plan.refIndex.get(keyName);
  if (!ids) {
    ids = new Map();
    plan.refIndex.set(keyName, ids);
  }
  let i = ids.get(id);
  if (i === undefined) {
    i = plan.refs.length;
    ids.set(id, i);
    plan.refs.push({ keyName, id });
  }
  plan.lastRef = i;
  return i;
}
