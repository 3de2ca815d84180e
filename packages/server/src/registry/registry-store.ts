/**
 * The Registry store contract (design §4 "Registry store"): where the registry's rows are kept,
 * apart from the rules that decide what may be written (registry.ts). Every backend — the
 * embedded file (file-registry-store.ts), PostgreSQL later — implements this interface and runs
 * `registryStoreConformance` (conformance.ts).
 *
 * - A row is one JSON value keyed by collection + name, plus a version in the versioned
 *   collections. Names are whatever a client chose: `__proto__` is a name like any other.
 * - Every write is part of a transaction: all of its rows are committed, or none is. A
 *   transaction sees one consistent state (its own writes included), and transactions do not
 *   interleave, also across nodes sharing a backend, so the rules may read, check and write in
 *   one (the registry checks references between rows this way).
 * - `revision` increases with every committed transaction that wrote a row, and never for one
 *   that failed or wrote nothing; `watch` tells every handle on the same storage, so another
 *   node learns of a publish and reloads.
 */

/** The collections and whether their rows carry a version (`attribute_groups/shopper/versions/2`). */
export const REGISTRY_COLLECTIONS = {
  attribute_keys: 'named',
  attribute_groups: 'versioned',
  services: 'named',
  interventions: 'versioned',
  api_keys: 'named',
  /** The engine's published views by number (stream/engine-views.ts), kept for exact replay. */
  engine_views: 'named',
} as const;

export type RegistryCollection = keyof typeof REGISTRY_COLLECTIONS;

export const isVersioned = (collection: RegistryCollection): boolean => REGISTRY_COLLECTIONS[collection] === 'versioned';

/** One stored row. `version` is present exactly in the versioned collections. */
export interface RegistryRow {
  collection: RegistryCollection;
  name: string;
  version?: number;
  /** Plain JSON: what survives `JSON.stringify`. */
  value: unknown;
}

/** Reads, on a transaction (its own state) or on the store (the last committed state). */
export interface RegistryReads {
  /** The row's value, or undefined. `version` is required in a versioned collection, else ignored. */
  get(collection: RegistryCollection, name: string, version?: number): Promise<unknown>;
  /** Every row of a collection, by name (code-unit order), then by version. */
  list(collection: RegistryCollection): Promise<RegistryRow[]>;
}

export interface RegistryTransaction extends RegistryReads {
  /** The revision this transaction read from. */
  readonly revision: number;
  /** Write a row (replacing one of the same id); visible to this transaction's reads at once. */
  put(collection: RegistryCollection, name: string, version: number | undefined, value: unknown): void;
  /** Remove a row; removing an absent row is no error. */
  delete(collection: RegistryCollection, name: string, version?: number): void;
}

export interface CommittedTransaction<T> {
  /** What the transaction's function returned. */
  result: T;
  /** The revision after it: higher than before if it wrote, unchanged if it wrote nothing. */
  revision: number;
}

export interface RegistryStore extends RegistryReads {
  /** The revision of the last committed transaction (0 for an empty store). */
  revision(): Promise<number>;
  /**
   * Run `fn` and commit what it wrote, durably, before resolving. If `fn` throws (or the commit
   * fails) nothing it wrote is kept and the error is rethrown. Do not start a transaction
   * inside another on the same store: they are serialised and would wait on each other.
   */
  transaction<T>(fn: (tx: RegistryTransaction) => Promise<T> | T): Promise<CommittedTransaction<T>>;
  /** Hear each new committed revision, also of commits through other handles; returns unsubscribe. */
  watch(listener: (revision: number) => void): () => void;
  /** Release the handle; the stored rows stay. */
  close(): Promise<void>;
}

/** Rows in the contract's list order: by name in code-unit order, then version. */
export function compareRows(a: { name: string; version?: number }, b: { name: string; version?: number }): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return (a.version ?? 0) - (b.version ?? 0);
}
