/**
 * Planning a batch of events (design §4 "Profiles Store", reference §16.2): for each event, the
 * published attributes that select it, the identifier of each attribute's key, the filter and the
 * accepted value — grouped per (attribute key, identifier) so a store commits the batch in one
 * call and dedupes each event per identifier. Pure: the same events and `now` give the same plan.
 */
import type { EnrichedEvent } from '../events/index.js';
import type { AggregationSpec } from './aggregation.js';
import type { EventFilter } from './event-filter.js';
import type { PropertyReader } from './property-reader.js';
import { timestampMillis } from '../time/timestamps.js';
import { SKIPPED, acceptValue } from './values.js';

/** One value of one event for one attribute (definition hash) of an identifier. */
export interface AttributeUpdate {
  hash: string;
  spec: AggregationSpec;
  /** The accepted value (`acceptValue`); ignored by counter. */
  value: unknown;
  /** The event's time, epoch ms. */
  time: number;
}

/** One event as one identifier consumes it: its id (the dedupe entry) and its attribute updates. */
export interface ConsumedEvent {
  eventId: string;
  updates: AttributeUpdate[];
}

/** Everything a batch changes for one (attribute key, identifier), events in processing order. */
export interface IdentifierUpdate {
  keyName: string;
  id: string;
  events: ConsumedEvent[];
}

/** What planning needs of a published attribute (the engine's compiled form). */
export interface PlannableAttribute {
  keyName: string;
  hash: string;
  spec: AggregationSpec;
  readKey: PropertyReader;
  readValue: PropertyReader | undefined;
  passes: EventFilter;
}

/** Where one event landed: (index into `updates`, index into that update's `events`) pairs. */
export type Placement = Array<[update: number, event: number]>;

export interface BatchPlan {
  /** The events planned, in order (a slice of the input). */
  events: EnrichedEvent[];
  updates: IdentifierUpdate[];
  /** Aligned with `events`: empty for an event that updates nothing. */
  placements: Placement[];
  /** Values a numeric aggregation could not use (not a number or numeric string). */
  skippedValues: number;
}

export interface PlanOptions {
  /**
   * End a plan after any event updating an attribute this accepts: whatever reads that state
   * next (rule interventions) sees it as of that event, as if events were applied one by one.
   */
  commitAfter?: (hash: string) => boolean;
}

/** An event's time: `derived_tstamp`, else `collector_tstamp`, no later than when it is processed. */
export function eventTime(event: EnrichedEvent, now: number): number {
  const t = timestampMillis(event['derived_tstamp']) ?? timestampMillis(event['collector_tstamp']) ?? now;
  return t > now ? now : t;
}

/** Plan `events` processed at `now`, as one plan or, with `commitAfter`, consecutive ones. */
export function planBatches(
  events: readonly EnrichedEvent[],
  candidates: (event: EnrichedEvent) => readonly PlannableAttribute[],
  now: number,
  options: PlanOptions = {},
): BatchPlan[] {
  const plans: BatchPlan[] = [];
  let plan = emptyPlan();
  let index = new Map<string, number>();
  for (const event of events) {
    const placement: Placement = [];
    let cut = false;
    const attributes = candidates(event);
    if (attributes.length > 0) {
      const eventId = String(event['event_id']);
      const time = eventTime(event, now);
      for (const attribute of attributes) {
        const rawId = attribute.readKey(event);
        if (rawId === undefined || rawId === '') continue;
        if (!attribute.passes(event)) continue;
        let value: unknown = null;
        if (attribute.readValue) {
          value = acceptValue(attribute.spec.aggregation, attribute.readValue(event));
          if (value === undefined) continue;
          if (value === SKIPPED) {
            plan.skippedValues++;
            continue;
          }
        }
        const id = typeof rawId === 'string' ? rawId : String(rawId);
        const consumed = consumedEvent(plan, index, placement, attribute.keyName, id, eventId);
        consumed.updates.push({ hash: attribute.hash, spec: attribute.spec, value, time });
        if (options.commitAfter?.(attribute.hash)) cut = true;
      }
    }
    plan.events.push(event);
    plan.placements.push(placement);
    if (cut) {
      plans.push(plan);
      plan = emptyPlan();
      index = new Map();
    }
  }
  if (plan.events.length > 0) plans.push(plan);
  return plans;
}

function emptyPlan(): BatchPlan {
  return { events: [], updates: [], placements: [], skippedValues: 0 };
}

/** The event's entry under (key, identifier) in this plan, created on first use. */
function consumedEvent(plan: BatchPlan, index: Map<string, number>, placement: Placement, keyName: string, id: string, eventId: string): ConsumedEvent {
  const key = `${keyName}\u0001${id}`;
  let u = index.get(key);
  if (u === undefined) {
    u = plan.updates.length;
    index.set(key, u);
    plan.updates.push({ keyName, id, events: [] });
  }
  const update = plan.updates[u]!;
  for (const [pu, pe] of placement) if (pu === u) return update.events[pe]!;
  placement.push([u, update.events.length]);
  const consumed: ConsumedEvent = { eventId, updates: [] };
  update.events.push(consumed);
  return consumed;
}
