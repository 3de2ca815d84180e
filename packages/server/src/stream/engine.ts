/**
 * The stream engine (reference §16.2, design §3): for each enriched event, dedupe by event_id,
 * find the published attributes that select it, read its identifier for each attribute key,
 * apply the filter, read and accept the value, and fold it into the Profiles Store.
 *
 * Processing is synchronous and deterministic given (events, now): replaying the event log with
 * the recorded processing times rebuilds exactly the same state.
 */
import { CompiledView, type EnrichedEvent, eventTime } from '@signalbox/core';
import { SKIPPED, acceptValue } from '@signalbox/core/internal';
import type { ProfilesStore } from '../profiles/profiles-store.js';

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

export type TouchListener = (event: EnrichedEvent, touched: AttributeTouch[], now: number) => void;

export { eventTime } from '@signalbox/core';

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

  process(events: readonly EnrichedEvent[], now: number): ProcessSummary {
    const summary: ProcessSummary = { processed: 0, duplicates: 0, updates: 0 };
    const { store } = this;
    let last: EnrichedEvent | undefined;
    for (const event of events) {
      if (!store.markProcessed(String(event['event_id']), now)) {
        summary.duplicates++;
        continue;
      }
      summary.processed++;
      last = event;
      const candidates = this.compiled.candidates(event);
      if (candidates.length === 0) continue;
      const time = eventTime(event, now);
      const touched: AttributeTouch[] | undefined = this.touchListener ? [] : undefined;
      for (const attribute of candidates) {
        const rawId = attribute.readKey(event);
        if (rawId === undefined || rawId === '') continue;
        if (!attribute.passes(event)) continue;
        let value: unknown = null;
        if (attribute.readValue) {
          value = acceptValue(attribute.spec.aggregation, attribute.readValue(event));
          if (value === undefined) continue;
          if (value === SKIPPED) {
            this.counters.skippedValues++;
            continue;
          }
        }
        const id = typeof rawId === 'string' ? rawId : String(rawId);
        if (store.apply(attribute.keyName, id, attribute.hash, attribute.spec, value, time, now)) {
          summary.updates++;
          touched?.push({ keyName: attribute.keyName, id, hash: attribute.hash });
        } else {
          this.counters.lateEvents++;
        }
      }
      if (touched && touched.length > 0) this.touchListener!(event, touched, now);
    }
    if (last) this.lastApplied = { eventTime: eventTime(last, now), processedAt: now };
    this.counters.events += summary.processed;
    this.counters.duplicates += summary.duplicates;
    this.counters.updates += summary.updates;
    return summary;
  }
}
