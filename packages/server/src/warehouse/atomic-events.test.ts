import { ENRICHED_FIELDS, normalizeEnrichedJson, parseEnrichedTsv } from '@signalbox/core';
import { ENTITIES_CONTEXTS as CONTEXTS, ENTITIES_DERIVED as DERIVED, ENTITIES_TSV as LINE, ENTITIES_UNSTRUCT as UNSTRUCT } from '@signalbox/core/internal';
import { describe, expect, it } from 'vitest';
import {
  ATOMIC_EVENTS_COLUMNS,
  MAX_ROWS_PER_INSERT,
  createTableStatements,
  eventRow,
  insertStatement,
  sqlTimestamp,
} from './atomic-events.js';


const column = (name: string) => ATOMIC_EVENTS_COLUMNS.findIndex((c) => c.name === name);

describe('atomic.events columns', () => {
  it('has the 131 enriched columns in TSV order, then load_tstamp', () => {
    expect(ATOMIC_EVENTS_COLUMNS).toHaveLength(132);
    expect(ATOMIC_EVENTS_COLUMNS.slice(0, 131).map((c) => c.name)).toEqual(ENRICHED_FIELDS.map((f) => f.name));
    expect(ATOMIC_EVENTS_COLUMNS[131]).toMatchObject({ name: 'load_tstamp', sqlType: 'TIMESTAMP', notNull: true });
  });

  it('uses Snowplow column types', () => {
    const type = (name: string) => ATOMIC_EVENTS_COLUMNS[column(name)]!.sqlType;
    expect(type('collector_tstamp')).toBe('TIMESTAMP');
    expect(type('derived_tstamp')).toBe('TIMESTAMP');
    expect(type('domain_sessionidx')).toBe('INTEGER');
    expect(type('page_urlport')).toBe('INTEGER');
    expect(type('tr_total')).toBe('DECIMAL(18,2)');
    expect(type('ti_price_base')).toBe('DECIMAL(18,2)');
    expect(type('se_value')).toBe('DOUBLE PRECISION');
    expect(type('geo_latitude')).toBe('DOUBLE PRECISION');
    expect(type('br_features_pdf')).toBe('BOOLEAN');
    expect(type('contexts')).toBe('JSON');
    expect(type('derived_contexts')).toBe('JSON');
    expect(type('unstruct_event')).toBe('JSON');
    expect(type('page_url')).toBe('VARCHAR');
    expect(ATOMIC_EVENTS_COLUMNS.filter((c) => c.notNull).map((c) => c.name)).toEqual(['collector_tstamp', 'event_id', 'load_tstamp']);
  });
});

describe('DDL', () => {
  it('creates the schema, the table and the loader cursor table, with a time index in PostgreSQL only', () => {
    const duck = createTableStatements('duckdb');
    expect(duck).toHaveLength(3);
    expect(duck[2]).toBe('CREATE TABLE IF NOT EXISTS "atomic"."signalbox_load_cursor" ("id" INTEGER PRIMARY KEY, "cursor" VARCHAR NOT NULL)');
    expect(duck[0]).toBe('CREATE SCHEMA IF NOT EXISTS "atomic"');
    expect(duck[1]).toMatch(/^CREATE TABLE IF NOT EXISTS "atomic"\."events" \(\n {2}"app_id" VARCHAR,\n/);
    expect(duck[1]).toContain('  "collector_tstamp" TIMESTAMP NOT NULL,\n');
    expect(duck[1]).toContain('  "tr_total" DECIMAL(18,2),\n');
    expect(duck[1]).toMatch(/ {2}"load_tstamp" TIMESTAMP NOT NULL\n\)$/);
    const pg = createTableStatements('postgres', { schema: 'wh_test', table: 'events' });
    expect(pg).toHaveLength(4);
    expect(pg[3]).toBe('CREATE INDEX IF NOT EXISTS "events_collector_tstamp_idx" ON "wh_test"."events" ("collector_tstamp")');
  });

  it('refuses identifiers that would need quoting', () => {
    expect(() => createTableStatements('duckdb', { schema: 'atomic"; DROP TABLE x; --', table: 'events' })).toThrow(/invalid SQL identifier/);
    expect(() => insertStatement(1, { schema: 'Atomic', table: 'events' })).toThrow(/invalid SQL identifier/);
  });
});

describe('INSERT', () => {
  it('numbers parameters row by row', () => {
    const sql = insertStatement(2);
    expect(sql.startsWith('INSERT INTO "atomic"."events" ("app_id", "platform", ')).toBe(true);
    expect(sql).toContain('"true_tstamp", "load_tstamp") VALUES ($1, $2, ');
    expect(sql).toContain('$131, $132), ($133, $134, ');
    expect(sql.endsWith('$263, $264)')).toBe(true);
  });

  it('stays within PostgreSQL\'s 65,535 parameters', () => {
    expect(MAX_ROWS_PER_INSERT * 132).toBeLessThanOrEqual(65_535);
    expect(() => insertStatement(MAX_ROWS_PER_INSERT)).not.toThrow();
    expect(() => insertStatement(MAX_ROWS_PER_INSERT + 1)).toThrow(/rowCount/);
    expect(() => insertStatement(0)).toThrow(/rowCount/);
  });
});

describe('eventRow', () => {
  const event = parseEnrichedTsv(LINE);
  const row = eventRow(event, '2026-11-28T12:00:00.000Z');
  const value = (name: string) => row.values[column(name)];

  it('writes scalars as text both databases cast', () => {
    expect(row.problems).toEqual([]);
    expect(row.values).toHaveLength(132);
    expect(value('event_id')).toBe('9a97609f-99d6-4e58-b2a4-99d8e9cfdfa2');
    expect(value('collector_tstamp')).toBe('2025-05-01 10:00:20.150');
    expect(value('domain_sessionidx')).toBe('3');
    expect(value('se_value')).toBe('12.5');
    expect(value('geo_longitude')).toBe('-0.12');
    expect(value('tr_total')).toBe('60.00');
    expect(value('br_cookies')).toBe('true');
    expect(value('user_id')).toBeNull();
    expect(value('load_tstamp')).toBe('2026-11-28 12:00:00.000');
  });

  it('writes the JSON columns as Enrich wrote them', () => {
    expect(value('contexts')).toBe(CONTEXTS);
    expect(value('derived_contexts')).toBe(DERIVED);
    expect(value('unstruct_event')).toBe(UNSTRUCT);
  });

  it('keeps the JSON columns when the event came as non-lossy JSON', () => {
    const json = normalizeEnrichedJson({
      event_id: 'e-1',
      collector_tstamp: '2025-05-01T10:00:00.000Z',
      contexts: JSON.parse(CONTEXTS),
      unstruct_event: UNSTRUCT,
    });
    const r = eventRow(json, '2026-11-28T12:00:00.000Z');
    expect(r.values[column('contexts')]).toBe(CONTEXTS);
    expect(r.values[column('unstruct_event')]).toBe(UNSTRUCT);
    expect(r.values[column('derived_contexts')]).toBeNull();
  });

  it('names entities of lossy JSON input, whose URIs are unknown, under the vendor "unknown"', () => {
    const lossy = normalizeEnrichedJson({
      event_id: 'e-2',
      collector_tstamp: '2025-05-01T10:00:00.000Z',
      contexts_com_acme_thing_2: [{ a: 1 }, { a: 2 }],
      unstruct_event_com_acme_signup_1: { plan: 'pro' },
    });
    const r = eventRow(lossy, '2026-11-28T12:00:00.000Z');
    expect(JSON.parse(r.values[column('contexts')]!)).toEqual({
      schema: 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1',
      data: [
        { schema: 'iglu:unknown/com_acme_thing/jsonschema/2-0-0', data: { a: 1 } },
        { schema: 'iglu:unknown/com_acme_thing/jsonschema/2-0-0', data: { a: 2 } },
      ],
    });
    expect(JSON.parse(r.values[column('unstruct_event')]!)).toEqual({
      schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
      data: { schema: 'iglu:unknown/com_acme_signup/jsonschema/1-0-0', data: { plan: 'pro' } },
    });
  });

  it('stores values the column cannot hold as NULL and says which', () => {
    const r = eventRow(
      { event_id: 'e-3', collector_tstamp: '2025-05-01T10:00:00.000Z', doc_height: 3_000_000_000, tr_total: 1e17, page_title: 'a\u0000b', se_value: 1e-7 },
      '2026-11-28T12:00:00.000Z',
    );
    expect(r.values[column('doc_height')]).toBeNull();
    expect(r.values[column('tr_total')]).toBeNull();
    expect(r.values[column('page_title')]).toBe('ab');
    expect(r.values[column('se_value')]).toBe('1e-7');
    expect(r.problems).toEqual(['tr_total: 100000000000000000 does not fit DECIMAL(18,2)', 'doc_height: 3000000000 does not fit INTEGER']);
  });

  it('refuses a load timestamp that is not ISO-8601', () => {
    expect(() => eventRow(event, 'yesterday')).toThrow(/loadTstamp/);
  });
});

describe('helpers', () => {
  it('turns canonical ISO timestamps into SQL text', () => {
    expect(sqlTimestamp('2025-05-01T10:00:00.250Z')).toBe('2025-05-01 10:00:00.250');
    expect(sqlTimestamp('2025-05-01 10:00:00.250')).toBeUndefined();
  });
});
