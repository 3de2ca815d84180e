/**
 * The warehouse: where every good enriched event lands as a row of `atomic.events`, for testing,
 * backfill and the batch engine. One interface of domain operations; DuckDB (a file in the data
 * dir, the default) and PostgreSQL implement it and run the same conformance cases
 * (`warehouse.test.ts`).
 */
import type { EnrichedEvent } from '@signalbox/core';

/**
 * A result row. Scalars are normalised the same way by every implementation: timestamps are
 * ISO-8601 UTC strings with milliseconds (`2025-05-01T10:00:00.250Z`), integers and decimals are
 * numbers (64-bit integers beyond 2^53 stay strings), JSON columns are their JSON text, booleans
 * are booleans, SQL NULL is `null`.
 */
export type WarehouseRow = Record<string, unknown>;

export interface LoadResult {
  /** Rows written. */
  readonly rows: number;
  /** `column: reason` for values stored as NULL because their column type cannot hold them. */
  readonly problems: readonly string[];
}

export interface Warehouse {
  /** `duckdb` or `postgres`. */
  readonly kind: 'duckdb' | 'postgres';
  /** Where it is, for logs: the DuckDB file, or the PostgreSQL URL without its password. */
  readonly location: string;
  /** Create the schema and `events` table when missing. Idempotent. */
  ensureSchema(): Promise<void>;
  /**
   * Append events as rows in one transaction: all of them are written, or none. With `cursor`,
   * the loader's log position is stored in the same transaction.
   */
  load(events: readonly EnrichedEvent[], loadTstamp: string, cursor?: string): Promise<LoadResult>;
  /** The position stored by the last `load` with a cursor, or undefined. */
  readCursor(): Promise<string | undefined>;
  /** Resolves when the warehouse answers a trivial query, rejects otherwise. */
  ping(): Promise<void>;
  /**
   * Run SQL and return its rows. Parameters are positional, `$1`, `$2`, … in both dialects.
   * @example
   * ```ts
   * await warehouse.query('SELECT event_id, se_value FROM atomic.events WHERE event = $1', ['struct'])
   * ```
   */
  query(sql: string, params?: readonly unknown[]): Promise<WarehouseRow[]>;
  /** Release the connection(s) and, for DuckDB, the file. Idempotent. */
  close(): Promise<void>;
}

/** Turns a driver value into the {@link WarehouseRow} scalar convention. */
export function normaliseValue(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  return value;
}
