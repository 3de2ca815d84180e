/**
 * The stream engine (reference §16.2, design §3, §4): for a batch of enriched events, plan purely
 * (core `planBatches`: which attributes, identifiers and values) and commit the plan to the
 * Profiles Store in one `apply`, which dedupes each event per identifier. When rule interventions
 * watch an attribute an event updates, the plan is committed after that event and the rules hear
 * of it before the next event is applied, so they see the state as of each event.
 *
 * Deterministic given (events, now): replaying the event log with the recorded processing times
 * rebuilds exactly the same state.
 */
import { type EnrichedEvent, eventTime, planBatches } from '@signalbox/core';
import type { ProfilesStore } from '../profiles/profiles-store.js';
import { CompiledView } from '@signalbox/core';

export { eventTime };

export interface ProcessSummary {
  processed: number;
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
}

/** The last event the engine applied, for its freshness metrics. */
export interface LastApplied {
  /** The event's time (`eventTime`), epoch ms. */
  eventTime: number;
  /** When it was processed, epoch ms. */
  processedAt: number;
}

/** Hears which attributes each event updated, after they are committed (rule interventions). */
export interface TouchListener {
  /** Whether updates of this definition hash must be committed and heard before the next event. */
  watches(hash: string): boolean;
  touched(event: EnrichedEvent, touched: AttributeTouch[], now: number): Promise<void>;
}

export class StreamEngine {
  private compiled = new CompiledView([]);
  readonly counters: EngineCounters = { events: 0, duplicates: 0, updates: 0, skippedValues: 0, lateEvents: 0 };
  private touchListener: TouchListener | undefined;
  lastApplied: LastApplied | undefined;

  constructor(readonly store: ProfilesStore) {}

  get view(): CompiledView {
    return this.compiled;
  }

  loadView(view: CompiledView): void {
    this.compiled = view;
  }

  /** Interventions subscribe here to hear which attributes each event updated. */
  onTouch(listener: TouchListener): void {
    this.touchListener = listener;
  }

  async process(events: readonly EnrichedEvent[], now: number): Promise<ProcessSummary> {
    const summary: ProcessSummary = { processed: 0, duplicates: 0, updates: 0 };
    const listener = this.touchListener;
    const plans = planBatches(events, (e) => this.compiled.candidates(e), now, listener ? { commitAfter: (h) => listener.watches(h) } : {});
    let last: EnrichedEvent | undefined;
    for (const plan of plans) {
      this.counters.skippedValues += plan.skippedValues;
      const { outcomes } = plan.updates.length > 0 ? await this.store.apply(plan.updates, now) : { outcomes: [] };
      for (let e = 0; e < plan.events.length; e++) {
        const placement = plan.placements[e]!;
        const touched: AttributeTouch[] = [];
        let duplicateFor = 0;
        for (const [u, pe] of placement) {
          const update = plan.updates[u]!;
          const outcome = outcomes[u]![pe]!;
          if (outcome === null) {
            duplicateFor++;
            continue;
          }
          const { updates } = update.events[pe]!;
          for (let i = 0; i < updates.length; i++) {
            if (outcome[i]) touched.push({ keyName: update.keyName, id: update.id, hash: updates[i]!.hash });
            else this.counters.lateEvents++;
          }
        }
        // A duplicate is an event every identifier it updates had already consumed.
        if (placement.length > 0 && duplicateFor === placement.length) {
          summary.duplicates++;
          continue;
        }
        summary.processed++;
        summary.updates += touched.length;
        last = plan.events[e];
        if (listener && touched.length > 0) await listener.touched(plan.events[e]!, touched, now);
      }
    }
    if (last) this.lastApplied = { eventTime: eventTime(last, now), processedAt: now };
    this.counters.events += summary.processed;
    this.counters.duplicates += summary.duplicates;
    this.counters.updates += summary.updates;
    return summary;
  }
}
