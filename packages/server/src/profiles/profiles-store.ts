/**
 * The Profiles Store contract (design §4 "Profiles Store", §3 "State, TTL, idempotency"): the state
 * kept per (attribute key, identifier), in operations a networked store can serve in one round
 * trip per batch.
 *
 * - Stream state: per definition hash, the tile array of @signalbox/core's aggregation functions.
 *   The engine plans a batch of events purely (core `planBatches`), then commits it with one
 *   `apply`. Each update names the events it consumes, so dedupe is per identifier and atomic
 *   with the state change: an event already consumed by that identifier changes nothing there.
 * - Fired-intervention markers, claimed atomically (`claim`, like HSETNX).
 * - Batch values written by the sync engine: plain values with their timestamp.
 *
 * Every implementation runs `profilesStoreConformance` (conformance.ts). Memory-only concerns
 * (snapshots, sweeping, stats) are the embedded store's own (memory-store.ts), not the contract's.
 */
import type { AggregationSpec, AttributeState, IdentifierUpdate } from '@signalbox/core';

/** The update types are core's: planning them is pure (core `planBatches`). */
export type { AttributeUpdate, ConsumedEvent, IdentifierUpdate } from '@signalbox/core';


/**
 * Per identifier update, per event (aligned with the input): `null` when the identifier had
 * already consumed the event (within the dedupe horizon, or earlier in the same batch), else one
 * flag per attribute update: true when applied, false when its tile was already outside the window.
 */
export type EventOutcome = boolean[] | null;

export interface ApplyResult {
  outcomes: EventOutcome[][];
}

/** A read of many definitions of one identifier. */
export interface ReadRequest {
  keyName: string;
  id: string;
  attributes: ReadonlyArray<{ hash: string; spec: AggregationSpec }>;
}

/** A plain value from the warehouse, as of `timestamp` (the sync engine's `timestamp_field`). */
export interface BatchValue {
  value: unknown;
  /** Epoch ms. */
  timestamp: number;
}

export interface BatchValueWrite extends BatchValue {
  keyName: string;
  id: string;
  /** Which batch attribute (its definition hash). */
  hash: string;
}

export interface BatchValueRequest {
  keyName: string;
  id: string;
  hashes: readonly string[];
}

export interface ProfilesStore {
  /**
   * Commit a batch at processing time `now`: for each identifier, each event not yet consumed by
   * it is remembered (at least 24 h) and its updates folded in, all or nothing per identifier.
   */
  apply(updates: readonly IdentifierUpdate[], now: number): Promise<ApplyResult>;

  /**
   * Live states at `now`, aligned with the requests and their attributes; undefined where absent
   * or expired. Returned states are read-only.
   */
  read(requests: readonly ReadRequest[], now: number): Promise<Array<Array<AttributeState | undefined>>>;

  /**
   * Set a fired-intervention marker under (attribute key, identifier) unless a live one exists at
   * `now`. True when this caller set it: of concurrent claims exactly one wins. Either way the
   * marker then lives until `expiresAt` (markers live as long as the target's state TTL).
   */
  claim(keyName: string, id: string, marker: string, expiresAt: number, now: number): Promise<boolean>;

  /** Move a live marker's expiry to `expiresAt`; nothing when there is none at `now` (a rule evaluated and not holding). */
  renew(keyName: string, id: string, marker: string, expiresAt: number, now: number): Promise<void>;

  /** Store batch values; a write older than the value held (by timestamp) is ignored. */
  writeBatchValues(values: readonly BatchValueWrite[]): Promise<void>;

  /** Batch values aligned with the requests and their hashes; undefined where none is held. */
  readBatchValues(requests: readonly BatchValueRequest[]): Promise<Array<Array<BatchValue | undefined>>>;

  /** Remove everything held for one identifier: state, markers, dedupe entries, batch values. True when something existed. */
  deleteIdentifier(keyName: string, id: string): Promise<boolean>;

  /** Remove the stored values of definitions that no longer exist. */
  dropDefinitions(hashes: ReadonlySet<string>): Promise<void>;
}
