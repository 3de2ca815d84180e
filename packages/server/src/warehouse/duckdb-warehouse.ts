/**
 * The embedded warehouse: a DuckDB file (`<data dir>/warehouse.duckdb` by default). Rows go in
 * through `COPY` from a temporary CSV file inside a transaction, so a failed batch leaves nothing
 * behind. Loading and querying use separate connections so a query never sees a
 * half-appended batch.
 *
 * DuckDB lets one process at a time open a file for writing: while Signalbox runs, query the table
 * through {@link DuckDBWarehouse.query} (or stop the server and open the file with the DuckDB CLI).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { EnrichedEvent } from '@signalbox/core';
import { ATOMIC_EVENTS, type TableRef, checkTableRef, createTableStatements, eventRow, readCursorStatement, writeCursorStatements } from './atomic-events.js';
import { type LoadResult, type Warehouse, type WarehouseRow, normaliseValue } from './warehouse.js';

interface Open {
  instance: DuckDBInstance;
  loading: DuckDBConnection;
  querying: DuckDBConnection;
}

/**
 * DuckDB would take 80% of RAM and a thread per core by default; the embedded warehouse shares the
 * machine with the engine, so it gets a bounded share.
 */
const DUCKDB_SETTINGS = { memory_limit: '256MB', threads: '1' };

let loadCounter = 0;

/** NULL is an unquoted `\N`; every value is quoted, so an empty string stays an empty string. */
function csvField(value: string | null): string {
  return value === null ? '\\N' : `"${value.replace(/"/g, '""')}"`;
}

function copyStatement(table: TableRef, file: string): string {
  const path = file.replace(/'/g, "''");
  return `COPY "${table.schema}"."${table.table}" FROM '${path}' (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '"', ESCAPE '"', NULLSTR '\\N', AUTO_DETECT false)`;
}

export class DuckDBWarehouse implements Warehouse {
  readonly kind = 'duckdb';
  private opening: Promise<Open> | undefined;
  private closed = false;
  private readonly table: TableRef;

  /** @param path the database file, or `:memory:` */
  constructor(readonly location: string, table: TableRef = ATOMIC_EVENTS) {
    this.table = checkTableRef(table);
  }

  private open(): Promise<Open> {
    if (this.closed) return Promise.reject(new Error('the DuckDB warehouse is closed'));
    this.opening ??= (async () => {
      const instance = await DuckDBInstance.create(this.location, DUCKDB_SETTINGS);
      try {
        return { instance, loading: await instance.connect(), querying: await instance.connect() };
      } catch (error) {
        instance.closeSync();
        throw error;
      }
    })();
    // A failed open (file locked by another process, bad path) is retried on the next call.
    this.opening.catch(() => (this.opening = undefined));
    return this.opening;
  }

  async ensureSchema(): Promise<void> {
    const { loading } = await this.open();
    for (const statement of createTableStatements('duckdb', this.table)) await loading.run(statement);
  }

  /**
   * Rows go in through `COPY` from a temporary CSV file: DuckDB's CSV reader parses and casts in
   * C++, where the appender needed one call across to native code per value (133 per row).
   */
  async load(events: readonly EnrichedEvent[], loadTstamp: string, cursor?: string): Promise<LoadResult> {
    if (events.length === 0 && cursor === undefined) return { rows: 0, problems: [] };
    const { loading } = await this.open();
    const problems: string[] = [];
    const file = join(tmpdir(), `signalbox-load-${process.pid}-${threadId}-${++loadCounter}.csv`);
    try {
      if (events.length > 0) {
        const lines: string[] = [];
        for (const event of events) {
          const row = eventRow(event, loadTstamp);
          problems.push(...row.problems);
          lines.push(row.values.map(csvField).join(','));
        }
        writeFileSync(file, `${lines.join('\n')}\n`);
      }
      await loading.run('BEGIN TRANSACTION');
      try {
        if (events.length > 0) await loading.run(copyStatement(this.table, file));
        if (cursor !== undefined) {
          const [clear, insert] = writeCursorStatements(this.table);
          await loading.run(clear);
          await loading.run(insert, [cursor]);
        }
        await loading.run('COMMIT');
      } catch (error) {
        await loading.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
      return { rows: events.length, problems };
    } finally {
      rmSync(file, { force: true });
    }
  }

  async readCursor(): Promise<string | undefined> {
    const rows = await this.query(readCursorStatement(this.table));
    return rows.length > 0 ? String(rows[0]!['cursor']) : undefined;
  }

  async ping(): Promise<void> {
    const { querying } = await this.open();
    await querying.run('SELECT 1');
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<WarehouseRow[]> {
    const { querying } = await this.open();
    const reader = await querying.runAndReadAll(sql, params.length > 0 ? (params as DuckDBValue[]) : undefined);
    return reader.getRowObjectsJS().map((row) => {
      const out: WarehouseRow = {};
      for (const [key, value] of Object.entries(row)) out[key] = normaliseValue(value);
      return out;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const opening = this.opening;
    this.opening = undefined;
    if (!opening) return;
    const open = await opening.catch(() => undefined);
    if (!open) return;
    open.loading.closeSync();
    open.querying.closeSync();
    open.instance.closeSync();
  }
}
