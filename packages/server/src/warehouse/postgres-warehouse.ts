/**
 * The production warehouse: `atomic.events` in PostgreSQL (`--warehouse postgres://…`). Rows go
 * in as multi-row parameterised INSERTs inside one transaction per batch. Result values are
 * parsed into the same scalars as DuckDB's (see {@link WarehouseRow}): the driver's defaults would
 * read a zone-less TIMESTAMP in the machine's local time zone and leave NUMERIC and BIGINT as text.
 */
import type { EnrichedEvent } from '@signalbox/core';
import pg from 'pg';
import {
  ATOMIC_EVENTS,
  MAX_ROWS_PER_INSERT,
  type TableRef,
  checkTableRef,
  createTableStatements,
  eventRow,
  insertStatement,
  readCursorStatement,
  writeCursorStatements,
} from './atomic-events.js';
import { type LoadResult, type Warehouse, type WarehouseRow } from './warehouse.js';

const OID = { INT8: 20, JSON: 114, TIMESTAMP: 1114, TIMESTAMPTZ: 1184, NUMERIC: 1700, JSONB: 3802 } as const;

/** `2025-05-01 10:00:00.25` (UTC by our convention) → `2025-05-01T10:00:00.250Z`. */
function timestampText(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(text);
  if (!m) return text; // infinity, BC dates: leave as PostgreSQL printed them
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}

function numberText(text: string): number | string {
  const n = Number(text);
  return Number.isFinite(n) && (Number.isSafeInteger(n) || !/^-?\d+$/.test(text)) ? n : text;
}

const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    switch (oid) {
      case OID.TIMESTAMP:
        return timestampText;
      case OID.TIMESTAMPTZ:
        return (text: string) => new Date(text).toISOString();
      case OID.INT8:
      case OID.NUMERIC:
        return numberText;
      case OID.JSON:
      case OID.JSONB:
        return (text: string) => text;
      default:
        return pg.types.getTypeParser(oid, format ?? 'text');
    }
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** The URL with its password replaced, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export class PostgresWarehouse implements Warehouse {
  readonly kind = 'postgres';
  readonly location: string;
  private readonly pool: pg.Pool;
  private readonly table: TableRef;
  private closed = false;

  constructor(url: string, table: TableRef = ATOMIC_EVENTS) {
    this.table = checkTableRef(table);
    this.location = redactUrl(url);
    this.pool = new pg.Pool({ connectionString: url, max: 3, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000, types });
    // An idle client losing its connection (server restart) must not crash the process; the next
    // query reconnects and the loader retries whatever failed.
    this.pool.on('error', () => undefined);
  }

  async ensureSchema(): Promise<void> {
    const client = await this.pool.connect();
    try {
      for (const statement of createTableStatements('postgres', this.table)) await client.query(statement);
    } finally {
      client.release();
    }
  }

  async load(events: readonly EnrichedEvent[], loadTstamp: string, cursor?: string): Promise<LoadResult> {
    if (events.length === 0 && cursor === undefined) return { rows: 0, problems: [] };
    const problems: string[] = [];
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      for (let start = 0; start < events.length; start += MAX_ROWS_PER_INSERT) {
        const chunk = events.slice(start, start + MAX_ROWS_PER_INSERT);
        const params: (string | null)[] = [];
        for (const event of chunk) {
          const row = eventRow(event, loadTstamp);
          problems.push(...row.problems);
          params.push(...row.values);
        }
        await client.query(insertStatement(chunk.length, this.table), params);
      }
      if (cursor !== undefined) {
        const [clear, insert] = writeCursorStatements(this.table);
        await client.query(clear);
        await client.query(insert, [cursor]);
      }
      await client.query('COMMIT');
      return { rows: events.length, problems };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async readCursor(): Promise<string | undefined> {
    const result = await this.pool.query(readCursorStatement(this.table));
    return result.rows.length > 0 ? String((result.rows[0] as WarehouseRow)['cursor']) : undefined;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<WarehouseRow[]> {
    const result = await this.pool.query(sql, params as unknown[]);
    return result.rows as WarehouseRow[];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
