/**
 * The Profiles Store contract: attribute state per (attribute key, identifier, definition hash),
 * the processed-event memory that makes updates idempotent, and the operations the engine and
 * the serving API need. The aggregation semantics live in @signalbox/core; a store only keeps state.
 *
 * The embedded store is synchronous because the engine applies an event atomically in memory;
 * the interface is written in domain operations so a networked store can implement it in batches.
 */
import type { AggregationSpec, AttributeState } from '@signalbox/core';

export interface ProfilesStore {
  /**
   * Remember that an event was processed at `now`. False when it was already processed within
   * the dedupe horizon (the event must then not be applied again).
   */
  markProcessed(eventId: string, now: number): boolean;

  /** Apply one accepted value to one attribute of one identifier. False when the event was ignored (outside the window). */
  apply(keyName: string, id: string, hash: string, spec: AggregationSpec, value: unknown, time: number, now: number): boolean;

  /** The live state of one attribute of one identifier, or undefined (absent or expired at `now`). */
  read(keyName: string, id: string, hash: string, spec: AggregationSpec, now: number): AttributeState | undefined;

  /**
   * Fired-intervention markers (design §3 "Interventions"): one per (intervention, version) under
   * each target (attribute key, identifier). True when the marker exists and has not expired at `now`.
   */
  hasMarker(keyName: string, id: string, marker: string, now: number): boolean;

  /** Set a marker, or move its expiry; markers live as long as the target's state TTL. */
  setMarker(keyName: string, id: string, marker: string, expiresAt: number): void;

  /** Remove everything held for one identifier, markers included (GDPR deletion). True when something existed. */
  deleteIdentifier(keyName: string, id: string): boolean;

  /** Remove the stored values of definitions that no longer exist. */
  dropDefinitions(hashes: ReadonlySet<string>): void;

  /** Remove expired state and markers, and forget processed events older than the dedupe horizon. */
  sweep(now: number, specs: ReadonlyMap<string, AggregationSpec>): void;

  stats(): { identifiers: number; processedEvents: number };
}
