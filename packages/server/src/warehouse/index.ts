/**
 * The warehouse and its loader: `atomic.events` in DuckDB (default, a file in the data dir) or
 * PostgreSQL (`--warehouse postgres://…`). See docs/warehouse.md.
 */
import { join } from 'node:path';
import { DuckDBWarehouse } from './duckdb-warehouse.js';
import { PostgresWarehouse } from './postgres-warehouse.js';
import type { Warehouse } from './warehouse.js';

export type { Warehouse, WarehouseRow, LoadResult } from './warehouse.js';
export { WarehouseLoader, type LoaderCounters, type LoaderOptions } from './loader.js';
export { WarehouseLoaderThread } from './loader-thread.js';
export { DuckDBWarehouse } from './duckdb-warehouse.js';
export { PostgresWarehouse } from './postgres-warehouse.js';
export { ATOMIC_EVENTS, ATOMIC_EVENTS_COLUMNS, type TableRef } from './atomic-events.js';

export const DUCKDB_FILE = 'warehouse.duckdb';

/** A `--warehouse` value naming a PostgreSQL database. */
export function isPostgresUrl(option: string): boolean {
  return /^postgres(ql)?:\/\//.test(option);
}

/** The warehouse named by `--warehouse`: `duckdb` (a file in the data dir) or a PostgreSQL URL. Opens lazily. */
export function createWarehouse(option: string, dataDir: string): Warehouse {
  if (option === 'duckdb') return new DuckDBWarehouse(join(dataDir, DUCKDB_FILE));
  if (isPostgresUrl(option)) return new PostgresWarehouse(option);
  throw new Error(`unsupported warehouse "${option}": use duckdb or postgres://user@host:port/database`);
}
