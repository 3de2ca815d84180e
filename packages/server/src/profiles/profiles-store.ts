/**
 * The Profiles Store contract (design §4 "Profiles Store", §3 "State, TTL, idempotency"): what is
 * kept per (attribute key, identifier) — each definition's aggregation state, the events the
 * identifier has consumed, its fired-intervention markers and its batch values — in operations a
 * networked store serves in one round trip per batch.
 *
 * The stream engine works a batch of events in a *working set*: `load` the identifiers the batch
 * touches, fold every event into their records with core's pure functions (and evaluate rule
 * interventions after each event, on the same records), then `commit` once. A commit is all or
 * nothing for the whole working set, and it is where exactly-once is decided:
 *
 * - dedupe is per identifier: each record remembers the events it consumed (at least
 *   `DEDUPE_HORIZON_MS`), and that memory commits atomically with the state it produced;
 * - a marker set in a working set is *claimed*: no two working sets both set the same marker.
 *
 * How a store guarantees it is its own choice: the embedded store hands out one working set at a
 * time (a second `load` waits for the first to commit), a networked store checks at commit that
 * no record changed since it was loaded (compare-and-set on a version) and otherwise rejects the
 * commit with `ProfilesConflictError`, after which the caller re-runs the batch from `load`.
 * Either way the conformance suite (conformance.ts) sees the same behaviour.
 *
 * Memory-only concerns (snapshots, sweeping, stats) are the embedded store's own (memory-store.ts).
 */
import type { AggregationSpec } from '@signalbox/core';
import type { AttributeState } from '@signalbox/core/internal';

/** Event ids are remembered per identifier for at least this long (design §3). */
export const DEDUPE_HORIZON_MS = 24 * 3600 * 1000;

export interface ProfileRef {
  keyName: string;
  id: string;
}

/** One identifier's record in an open working set. Changes are visible to later reads of the record at once. */
export interface ProfileRecord {
  readonly keyName: string;
  readonly id: string;
  /** The stored state of a definition; it may have expired (core's `isExpired` and `applyEvent` decide). */
  state(hash: string): AttributeState | undefined;
  /** Store the state core's `applyEvent` returned for a definition. */
  setState(hash: string, state: AttributeState): void;
  /** Whether this identifier consumed the event before (within the dedupe horizon). */
  hasConsumed(eventId: string): boolean;
  /** Remember that this identifier consumed the event. */
  consume(eventId: string): void;
  /** When a fired-intervention marker held here expires (epoch ms; it may be in the past). */
  markerExpiry(marker: string): number | undefined;
  /** Claim a marker, or move the expiry of one this record holds. */
  setMarker(marker: string, expiresAt: number): void;
}

export interface WorkingSet {
  /** Aligned with the refs given to `load`. */
  readonly records: readonly ProfileRecord[];
  /**
   * Make every change made through the records durable in the store, all or nothing. Rejects with
   * `ProfilesConflictError` when another working set changed one of the records since `load`.
   */
  commit(): Promise<void>;
  /**
   * Give the working set up after a failure: nothing more is committed, and the identifiers are
   * free for the next `load`. A store whose records are copies drops their changes; the embedded
   * store, whose records are its live state, keeps what was already changed (its event log, not
   * the store, is the record it recovers from).
   */
  abandon(): void;
}

/** A definition to read: its hash and the spec that decides whether its state is live. */
export interface ReadableDefinition {
  hash: string;
  spec: AggregationSpec;
}

/** A plain value from the warehouse as of `timestamp` (the sync engine's `timestamp_field`). */
export interface BatchValue {
  value: unknown;
  /** Epoch ms. */
  timestamp: number;
}

export interface BatchValueWrite extends BatchValue {
  keyName: string;
  id: string;
  /** Which batch attribute: its definition hash. */
  hash: string;
}

export interface ProfilesStore {
  /** Open a working set over these distinct identifiers at processing time `now`. */
  load(refs: readonly ProfileRef[], now: number): Promise<WorkingSet>;

  /**
   * Live states at `now` of the definitions for each identifier of one attribute key, in one
   * call: `result[i][j]` is identifier `ids[i]`, definition `definitions[j]`, undefined where
   * absent or expired. Returned states are read-only.
   */
  read(keyName: string, ids: readonly string[], definitions: readonly ReadableDefinition[], now: number): Promise<Array<Array<AttributeState | undefined>>>;

  /** Store batch values; a write older (by timestamp) than the value held is ignored. */
  writeBatchValues(values: readonly BatchValueWrite[]): Promise<void>;

  /** Batch values of one attribute key: `result[i][j]` for `ids[i]` and `hashes[j]`, undefined where none is held. */
  readBatchValues(keyName: string, ids: readonly string[], hashes: readonly string[]): Promise<Array<Array<BatchValue | undefined>>>;

  /**
   * Remove everything held for one identifier: state, consumed events, markers and batch values.
   * True when something existed.
   */
  deleteIdentifier(keyName: string, id: string): Promise<boolean>;

  /** Remove the stored values of definitions that no longer exist. */
  dropDefinitions(hashes: ReadonlySet<string>): Promise<void>;
}

/** A commit lost a race: another working set changed one of its records since it was loaded. */
export class ProfilesConflictError extends Error {
  constructor(readonly refs: readonly ProfileRef[]) {
    super(`the Profiles Store changed under ${refs.length} identifier(s) of this batch since it was loaded; run the batch again`);
    this.name = 'ProfilesConflictError';
  }
}
