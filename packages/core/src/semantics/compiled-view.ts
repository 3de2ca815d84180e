/**
 * The engine view compiled for the hot path: each published attribute gets its readers, filter
 * and aggregation spec once, and events are routed to candidate attributes by a cache keyed on
 * (vendor, name, version), so an event only meets the attributes that select it. Pure (design §4):
 * the stream engine, the serving reader and backfill share it.
 */
import type { EnrichedEvent } from '../events/enriched-event.js';
import { durationSeconds } from '../time/duration.js';
import type { AggregationSpec } from './aggregation.js';
import { type EventFilter, compileEventFilter } from './event-filter.js';
import { eventMatches } from './event-matching.js';
import { type PropertyReader, compilePropertyReader } from './property-reader.js';
import type { PublishedStreamAttribute } from './published-view.js';
import { windowFor } from './windows.js';

export interface CompiledAttribute {
  definition: PublishedStreamAttribute;
  hash: string;
  keyName: string;
  readKey: PropertyReader;
  readValue: PropertyReader | undefined;
  passes: EventFilter;
  spec: AggregationSpec;
}

export function compileAttribute(definition: PublishedStreamAttribute): CompiledAttribute {
  return {
    definition,
    hash: definition.definition_hash,
    keyName: definition.attribute_key_name,
    readKey: compilePropertyReader(definition.attribute_key.property),
    readValue: definition.property ? compilePropertyReader(definition.property) : undefined,
    passes: compileEventFilter(definition.criteria ?? undefined),
    spec: specOf(definition),
  };
}

export function specOf(definition: PublishedStreamAttribute): AggregationSpec {
  return {
    aggregation: definition.aggregation,
    window: windowFor(definition.period ? durationSeconds(definition.period) : undefined),
    ttlMs: definition.ttl * 1000,
  };
}

export class CompiledView {
  readonly attributes: CompiledAttribute[];
  readonly byHash: ReadonlyMap<string, CompiledAttribute>;
  readonly specs: ReadonlyMap<string, AggregationSpec>;
  private readonly routes = new Map<string, CompiledAttribute[]>();

  constructor(readonly definitions: PublishedStreamAttribute[]) {
    this.attributes = definitions.map(compileAttribute);
    this.byHash = new Map(this.attributes.map((a) => [a.hash, a]));
    this.specs = new Map(this.attributes.map((a) => [a.hash, a.spec]));
  }

  /** Attributes whose event selectors match this event's (vendor, name, version). */
  candidates(event: EnrichedEvent): CompiledAttribute[] {
    const route = `${String(event['event_vendor'])}/${String(event['event_name'])}/${String(event['event_version'])}`;
    let list = this.routes.get(route);
    if (!list) {
      list = this.attributes.filter((a) => eventMatches(a.definition.events, event));
      if (this.routes.size > 10_000) this.routes.clear();
      this.routes.set(route, list);
    }
    return list;
  }
}
