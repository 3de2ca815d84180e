/**
 * The `atomic.events` table as SQL text, built from the enriched field table (`ENRICHED_FIELDS`
 * in core): the DDL, the INSERT, and the mapping of one event to one row of parameter values.
 * Pure — no connection, no clock — so it is tested apart from the databases, and both warehouse
 * implementations (DuckDB, PostgreSQL) use the same text.
 *
 * Types follow Snowplow's canonical atomic.events DDL for PostgreSQL/Redshift: timestamps are
 * `TIMESTAMP` (UTC, no zone), counts and sizes `INTEGER`, money `DECIMAL(18,2)`, `se_value` and
 * coordinates `DOUBLE PRECISION`, flags `BOOLEAN`, text `VARCHAR` without a length (the limits of
 * section 2.6 are Enrich's to enforce, and a JSON-fed event may exceed them). The three JSON
 * columns are `JSON` holding the self-describing JSON as Enrich wrote it, plus `load_tstamp`.
 */
import { ENRICHED_FIELDS, type EnrichedEvent, type EnrichedFieldKind } from '@signalbox/core';
import { selfDescribingParts } from '@signalbox/core/internal';

export type SqlDialect = 'duckdb' | 'postgres';

export interface AtomicColumn {
  readonly name: string;
  /** The enriched field kind, or `load_tstamp` for the one column the loader adds. */
  readonly kind: EnrichedFieldKind | 'load_tstamp';
  readonly sqlType: string;
  readonly notNull: boolean;
}

/** Schema-qualified table name. Both parts are checked identifiers, so they are safe in SQL text. */
export interface TableRef {
  readonly schema: string;
  readonly table: string;
}

export const ATOMIC_EVENTS: TableRef = { schema: 'atomic', table: 'events' };

const MONEY = new Set([
  'tr_total', 'tr_tax', 'tr_shipping', 'ti_price', 'tr_total_base', 'tr_tax_base', 'tr_shipping_base', 'ti_price_base',
]);
/** DECIMAL(18,2) holds magnitudes below 10^16. */
const MONEY_LIMIT = 1e16;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

function sqlTypeOf(name: string, kind: EnrichedFieldKind): string {
  switch (kind) {
    case 'string':
      return 'VARCHAR';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'int':
      return 'INTEGER';
    case 'decimal':
      return MONEY.has(name) ? 'DECIMAL(18,2)' : 'DOUBLE PRECISION';
    case 'bool':
      return 'BOOLEAN';
    case 'json-contexts':
    case 'json-unstruct':
      return 'JSON';
  }
}

/** The 131 enriched columns in TSV order, then `load_tstamp`. */
export const ATOMIC_EVENTS_COLUMNS: readonly AtomicColumn[] = [
  ...ENRICHED_FIELDS.map((f) => ({
    name: f.name,
    kind: f.kind,
    sqlType: sqlTypeOf(f.name, f.kind),
    // Only what every good event has, whichever way it came in (JSON input needs just these two).
    notNull: f.name === 'event_id' || f.name === 'collector_tstamp',
  })),
  { name: 'load_tstamp', kind: 'load_tstamp', sqlType: 'TIMESTAMP', notNull: true },
];

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkTableRef(ref: TableRef): TableRef {
  for (const part of [ref.schema, ref.table]) {
    if (!IDENTIFIER.test(part)) throw new Error(`invalid SQL identifier "${part}": use lower-case letters, digits and _`);
  }
  return ref;
}

const q = (identifier: string) => `"${identifier}"`;
const qualified = (ref: TableRef) => `${q(ref.schema)}.${q(ref.table)}`;

/** Statements that create the schema and table when missing (and, in PostgreSQL, a time index). */
export function createTableStatements(dialect: SqlDialect, ref: TableRef = ATOMIC_EVENTS): string[] {
  checkTableRef(ref);
  const columns = ATOMIC_EVENTS_COLUMNS.map((c) => `  ${q(c.name)} ${c.sqlType}${c.notNull ? ' NOT NULL' : ''}`);
  const statements = [
    `CREATE SCHEMA IF NOT EXISTS ${q(ref.schema)}`,
    `CREATE TABLE IF NOT EXISTS ${qualified(ref)} (\n${columns.join(',\n')}\n)`,
    createCursorTableStatement(ref),
  ];
  // DuckDB scans by zone maps and an ART index would slow every append; PostgreSQL needs the index
  // for the time-bounded reads of the batch engine and backfill.
  if (dialect === 'postgres') {
    statements.push(`CREATE INDEX IF NOT EXISTS ${q(`${ref.table}_collector_tstamp_idx`)} ON ${qualified(ref)} (${q('collector_tstamp')})`);
  }
  return statements;
}

/**
 * The loader's position in the event log, kept in the warehouse next to the rows it describes and
 * written in the same transaction as each batch, so rows and position never disagree.
 */
export function cursorTableRef(ref: TableRef = ATOMIC_EVENTS): TableRef {
  return { schema: ref.schema, table: 'signalbox_load_cursor' };
}

export function createCursorTableStatement(ref: TableRef = ATOMIC_EVENTS): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(cursorTableRef(ref))} (${q('id')} INTEGER PRIMARY KEY, ${q('cursor')} VARCHAR NOT NULL)`;
}

/** Replace the stored cursor: run `[0]`, then `[1]` with the cursor as `$1`. */
export function writeCursorStatements(ref: TableRef = ATOMIC_EVENTS): [string, string] {
  const table = qualified(cursorTableRef(ref));
  return [`DELETE FROM ${table}`, `INSERT INTO ${table} (${q('id')}, ${q('cursor')}) VALUES (1, $1)`];
}

export function readCursorStatement(ref: TableRef = ATOMIC_EVENTS): string {
  return `SELECT ${q('cursor')} FROM ${qualified(cursorTableRef(ref))} WHERE ${q('id')} = 1`;
}

/**
 * A multi-row `INSERT … VALUES ($1, …), (…)` for `rowCount` rows of every column. PostgreSQL
 * allows 65,535 parameters per statement, so at most {@link MAX_ROWS_PER_INSERT} rows.
 */
export function insertStatement(rowCount: number, ref: TableRef = ATOMIC_EVENTS): string {
  checkTableRef(ref);
  if (!Number.isInteger(rowCount) || rowCount < 1 || rowCount > MAX_ROWS_PER_INSERT) {
    throw new Error(`rowCount must be 1..${MAX_ROWS_PER_INSERT}, got ${rowCount}`);
  }
  const width = ATOMIC_EVENTS_COLUMNS.length;
  const rows: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    const params: string[] = [];
    for (let c = 1; c <= width; c++) params.push(`$${r * width + c}`);
    rows.push(`(${params.join(', ')})`);
  }
  return `INSERT INTO ${qualified(ref)} (${ATOMIC_EVENTS_COLUMNS.map((c) => q(c.name)).join(', ')}) VALUES ${rows.join(', ')}`;
}

export const MAX_ROWS_PER_INSERT = Math.floor(65_535 / ATOMIC_EVENTS_COLUMNS.length);

/** One row: a text value (or null) per column, and the values that could not be stored as given. */
export interface AtomicRow {
  readonly values: (string | null)[];
  /** `column: reason` for each value stored as NULL because the column type cannot hold it. */
  readonly problems: string[];
}

/**
 * One event as one row of text parameters, in {@link ATOMIC_EVENTS_COLUMNS} order. Text is what
 * both databases cast from without surprises: `YYYY-MM-DD HH:MM:SS.mmm` timestamps, `true` /
 * `false`, plain decimal numbers, compact JSON. A value the column type cannot hold (an integer
 * beyond 32 bits, money of 10^16 or more, a value of the wrong JSON type) is stored as NULL and
 * reported in `problems`, so one odd event never fails a whole batch. NUL characters, which
 * PostgreSQL text cannot hold, are removed.
 *
 * @param loadTstamp canonical ISO-8601 (`2025-05-01T10:00:00.000Z`)
 */
export function eventRow(event: EnrichedEvent, loadTstamp: string): AtomicRow {
  const load = sqlTimestamp(loadTstamp);
  if (load === undefined) throw new Error(`loadTstamp must be ISO-8601 UTC, got "${loadTstamp}"`);
  const problems: string[] = [];
  const values: (string | null)[] = new Array<string | null>(ATOMIC_EVENTS_COLUMNS.length).fill(null);
  let parts: ReturnType<typeof selfDescribingParts> | undefined;
  const sd = () => (parts ??= selfDescribingParts(event));

  ATOMIC_EVENTS_COLUMNS.forEach((column, i) => {
    if (column.kind === 'load_tstamp') {
      values[i] = load;
      return;
    }
    if (column.kind === 'json-contexts') {
      const derived = column.name === 'derived_contexts';
      const list = derived ? sd().derivedContexts : sd().contexts;
      if (list.length > 0) {
        values[i] = stripNul(JSON.stringify({ schema: derived ? sd().derivedContextsWrapper : sd().contextsWrapper, data: list }));
      }
      return;
    }
    if (column.kind === 'json-unstruct') {
      const unstruct = sd().unstruct;
      if (unstruct !== null) values[i] = stripNul(JSON.stringify({ schema: sd().unstructWrapper, data: unstruct }));
      return;
    }
    const value = event[column.name];
    if (value === undefined || value === null) return;
    const text = columnText(column, value);
    if (typeof text === 'string') values[i] = text;
    else problems.push(`${column.name}: ${text.problem}`);
  });
  return { values, problems };
}

function columnText(column: AtomicColumn, value: unknown): string | { problem: string } {
  switch (column.kind) {
    case 'string':
      return typeof value === 'string' ? stripNul(value) : { problem: `expected a string, got ${typeof value}` };
    case 'timestamp': {
      const text = typeof value === 'string' ? sqlTimestamp(value) : undefined;
      return text ?? { problem: `expected an ISO-8601 timestamp, got ${JSON.stringify(value)}` };
    }
    case 'int':
      return Number.isInteger(value) && (value as number) >= INT_MIN && (value as number) <= INT_MAX
        ? String(value)
        : { problem: `${JSON.stringify(value)} does not fit INTEGER` };
    case 'decimal': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return { problem: `expected a number, got ${JSON.stringify(value)}` };
      if (column.sqlType === 'DOUBLE PRECISION') return String(value);
      // toFixed never uses exponent notation below 1e21, which DECIMAL casts do not all accept.
      return Math.abs(value) < MONEY_LIMIT ? value.toFixed(2) : { problem: `${value} does not fit DECIMAL(18,2)` };
    }
    case 'bool':
      return typeof value === 'boolean' ? String(value) : { problem: `expected a boolean, got ${JSON.stringify(value)}` };
    default:
      return { problem: 'not a scalar column' };
  }
}

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)Z$/;

/** Canonical ISO-8601 UTC → `YYYY-MM-DD HH:MM:SS.mmm`, the text both databases read as TIMESTAMP. */
export function sqlTimestamp(iso: string): string | undefined {
  // The codec's canonical form, `2025-05-01T10:00:00.250Z`, is nearly every value: slice it.
  if (iso.length === 24 && iso.charCodeAt(10) === 84 && iso.charCodeAt(19) === 46 && iso.charCodeAt(23) === 90 && ISO.test(iso)) {
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  }
  const m = ISO.exec(iso);
  return m ? `${m[1]} ${m[2]}` : undefined;
}

function stripNul(text: string): string {
  return text.includes('\u0000') ? text.replace(/\u0000/g, '') : text;
}
