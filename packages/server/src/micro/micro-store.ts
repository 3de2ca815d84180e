/**
 * What the Micro-compatible API reads: the most recent good events (fed by Signalbox's event
 * sink, newest kept, at most `capacity`) and the bad-rows store. Filtering follows Micro's
 * in-memory storage: newest first; `event_type` and `schema` must equal the event's; every URI in
 * `contexts` must be among the event's entities; `limit` keeps the first (newest) n. Response
 * objects are built when read, so keeping an event costs one array slot on the ingestion path.
 */
import type { EnrichedEvent } from '@signalbox/core';
import type { BadRows } from '../bad-rows/bad-rows.js';
import { type BadEvent, type GoodEvent, apiOfSource, badEventOf, goodEventOf } from './shapes.js';

export interface GoodFilters {
  event_type?: string | null | undefined;
  schema?: string | null | undefined;
  contexts?: readonly string[] | null | undefined;
  limit?: number | null | undefined;
}

export interface BadFilters {
  vendor?: string | null | undefined;
  version?: string | null | undefined;
  limit?: number | null | undefined;
}

export const DEFAULT_MICRO_CAPACITY = 10_000;

export class MicroStore {
  /** Oldest first; trimmed to `capacity` in amortised O(1). */
  private events: EnrichedEvent[] = [];

  constructor(private readonly badRows: BadRows, readonly capacity = DEFAULT_MICRO_CAPACITY) {}

  add(events: readonly EnrichedEvent[]): void {
    for (const event of events) this.events.push(event);
    if (this.events.length >= 2 * this.capacity) this.events = this.events.slice(-this.capacity);
  }

  get goodCount(): number {
    return Math.min(this.events.length, this.capacity);
  }

  get badCount(): number {
    return this.badRows.list(Number.MAX_SAFE_INTEGER).length;
  }

  /** Micro's `/micro/all`. */
  summary(): { total: number; good: number; bad: number } {
    const good = this.goodCount;
    const bad = this.badCount;
    return { total: good + bad, good, bad };
  }

  good(filters: GoodFilters = {}): GoodEvent[] {
    const out: GoodEvent[] = [];
    const limit = filters.limit ?? Infinity;
    const oldest = Math.max(0, this.events.length - this.capacity);
    for (let i = this.events.length - 1; i >= oldest && out.length < limit; i--) {
      const event = this.events[i]!;
      if (filters.event_type != null && event['event'] !== filters.event_type) continue;
      const good = goodEventOf(event);
      if (filters.schema != null && good.schema !== filters.schema) continue;
      if (filters.contexts != null && !filters.contexts.every((uri) => good.contexts.includes(uri))) continue;
      out.push(good);
    }
    return out;
  }

  bad(filters: BadFilters = {}): BadEvent[] {
    const limit = filters.limit ?? Infinity;
    const out: BadEvent[] = [];
    for (const row of this.badRows.list(Number.MAX_SAFE_INTEGER)) {
      if (out.length >= limit) break;
      const api = apiOfSource(row.source);
      if (filters.vendor != null && api.vendor !== filters.vendor) continue;
      if (filters.version != null && api.version !== filters.version) continue;
      out.push(badEventOf(row));
    }
    return out;
  }

  /** Micro's `/micro/reset`: forget the good events and the in-memory bad rows (the bad-rows file keeps its history). */
  reset(): void {
    this.events = [];
    this.badRows.reset();
  }
}
