/**
 * Warehouse conformance: the same cases against DuckDB (a temp file) and the real PostgreSQL
 * (a database of its own, `SIGNALBOX_TEST_POSTGRES_URL`, default postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENRICHED_FIELDS, type EnrichedEvent, parseEnrichedTsv } from '@signalbox/core';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TableRef } from './atomic-events.js';
import { DuckDBWarehouse } from './duckdb-warehouse.js';
import { PostgresWarehouse } from './postgres-warehouse.js';
import type { Warehouse } from './warehouse.js';

const ADMIN_URL = process.env['SIGNALBOX_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

function tsv(fields: Record<string, string>): string {
  return ENRICHED_FIELDS.map((f) => fields[f.name] ?? '').join('\t');
}

const CONTEXTS =
  '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0","data":{"id":"SKU-1","name":"Red Shoe","category":"shoes","price":59.99,"currency":"EUR","quantity":1}},{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f"}}]}';
const UNSTRUCT =
  '{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2","data":{"type":"add_to_cart"}}}';

function event(id: string, overrides: Record<string, string> = {}): EnrichedEvent {
  return parseEnrichedTsv(
    tsv({
      app_id: 'shop-web',
      platform: 'web',
      etl_tstamp: '2025-05-01 10:00:20.330',
      collector_tstamp: '2025-05-01 10:00:20.150',
      dvce_created_tstamp: '2025-05-01 10:00:20.000',
      event: 'unstruct',
      event_id: id,
      v_collector: 'ssc-3.4.0-kinesissink',
      v_etl: 'snowplow-enrich-kinesis-6.10.0',
      domain_userid: 'd2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c',
      domain_sessionidx: '3',
      page_urlport: '443',
      contexts: CONTEXTS,
      se_value: '12.5',
      unstruct_event: UNSTRUCT,
      tr_total: '59.99',
      br_cookies: '1',
      br_features_java: '0',
      derived_tstamp: '2025-05-01 10:00:20.148',
      event_vendor: 'com.snowplowanalytics.snowplow.ecommerce',
      ...overrides,
    }),
  );
}

interface Backend {
  name: string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A warehouse on a table nobody else uses. */
  create(): Promise<{ warehouse: Warehouse; table: TableRef; reopen(): Warehouse }>;
}

const tempDirs: string[] = [];
const duckdb: Backend = {
  name: 'DuckDB',
  async setup() {},
  async teardown() {
    for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  },
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'signalbox-wh-'));
    tempDirs.push(dir);
    const file = join(dir, 'warehouse.duckdb');
    const table = { schema: 'atomic', table: 'events' };
    return { warehouse: new DuckDBWarehouse(file), table, reopen: () => new DuckDBWarehouse(file) };
  },
};

let database = '';
let databaseUrl = '';
const postgres: Backend = {
  name: 'PostgreSQL',
  async setup() {
    database = `sbx_wh_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
  },
  async teardown() {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  },
  async create() {
    const table = { schema: `s_${randomBytes(4).toString('hex')}`, table: 'events' };
    return { warehouse: new PostgresWarehouse(databaseUrl, table), table, reopen: () => new PostgresWarehouse(databaseUrl, table) };
  },
};

for (const backend of [duckdb, postgres]) {
  describe(`${backend.name} warehouse`, () => {
    const open: Warehouse[] = [];
    const create = async () => {
      const made = await backend.create();
      open.push(made.warehouse);
      return made;
    };
    beforeAll(() => backend.setup());
    afterEach(async () => {
      for (const w of open.splice(0)) await w.close();
    });
    afterAll(() => backend.teardown());

    it('creates atomic.events with 132 typed columns, idempotently', async () => {
      const { warehouse, table } = await create();
      await warehouse.ensureSchema();
      await warehouse.ensureSchema();
      const columns = await warehouse.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
        [table.schema, table.table],
      );
      expect(columns).toHaveLength(132);
      expect(columns[0]).toEqual({ column_name: 'app_id', data_type: expect.stringMatching(/^(VARCHAR|character varying)$/) });
      const type = (name: string) => String(columns.find((c) => c['column_name'] === name)?.['data_type']).toLowerCase();
      expect(type('collector_tstamp')).toMatch(/^timestamp/);
      expect(type('domain_sessionidx')).toBe('integer');
      expect(type('tr_total')).toMatch(/^(decimal\(18,2\)|numeric)$/);
      expect(type('se_value')).toMatch(/^(double|double precision)$/);
      expect(type('br_cookies')).toBe('boolean');
      expect(type('contexts')).toBe('json');
      expect(columns[131]).toMatchObject({ column_name: 'load_tstamp' });
    });

    it('loads events and reads back their values', async () => {
      const { warehouse, table } = await create();
      await warehouse.ensureSchema();
      const result = await warehouse.load([event('9a97609f-99d6-4e58-b2a4-99d8e9cfdfa2'), event('0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', { tr_total: '', se_value: '-3' })], '2026-11-28T12:00:00.000Z');
      expect(result).toEqual({ rows: 2, problems: [] });
      const rows = await warehouse.query(
        `SELECT event_id, collector_tstamp, derived_tstamp, domain_sessionidx, page_urlport, se_value, tr_total, br_cookies, br_features_java, user_id, contexts, derived_contexts, unstruct_event, load_tstamp
         FROM "${table.schema}"."${table.table}" ORDER BY event_id`,
      );
      expect(rows).toEqual([
        {
          event_id: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
          collector_tstamp: '2025-05-01T10:00:20.150Z',
          derived_tstamp: '2025-05-01T10:00:20.148Z',
          domain_sessionidx: 3,
          page_urlport: 443,
          se_value: -3,
          tr_total: null,
          br_cookies: true,
          br_features_java: false,
          user_id: null,
          contexts: CONTEXTS,
          derived_contexts: null,
          unstruct_event: UNSTRUCT,
          load_tstamp: '2026-11-28T12:00:00.000Z',
        },
        {
          event_id: '9a97609f-99d6-4e58-b2a4-99d8e9cfdfa2',
          collector_tstamp: '2025-05-01T10:00:20.150Z',
          derived_tstamp: '2025-05-01T10:00:20.148Z',
          domain_sessionidx: 3,
          page_urlport: 443,
          se_value: 12.5,
          tr_total: 59.99,
          br_cookies: true,
          br_features_java: false,
          user_id: null,
          contexts: CONTEXTS,
          derived_contexts: null,
          unstruct_event: UNSTRUCT,
          load_tstamp: '2026-11-28T12:00:00.000Z',
        },
      ]);
      const [count] = await warehouse.query(`SELECT count(*) AS n, sum(tr_total) AS revenue FROM "${table.schema}"."${table.table}" WHERE event = $1`, ['unstruct']);
      expect(count).toEqual({ n: 2, revenue: 59.99 });
    });

    it('loads a batch all or nothing', async () => {
      const { warehouse, table } = await create();
      await warehouse.ensureSchema();
      const broken = { ...event('11111111-1111-4111-8111-111111111111') };
      delete broken['collector_tstamp']; // NOT NULL column
      await expect(warehouse.load([event('22222222-2222-4222-8222-222222222222'), broken], '2026-11-28T12:00:00.000Z')).rejects.toThrow();
      expect(await warehouse.query(`SELECT count(*) AS n FROM "${table.schema}"."${table.table}"`)).toEqual([{ n: 0 }]);
      // The connection is still usable after the rollback.
      await warehouse.load([event('33333333-3333-4333-8333-333333333333')], '2026-11-28T12:00:00.000Z');
      expect(await warehouse.query(`SELECT count(*) AS n FROM "${table.schema}"."${table.table}"`)).toEqual([{ n: 1 }]);
    });

    it('answers ping, closes idempotently, and releases its storage for a new instance', async () => {
      const { warehouse, table, reopen } = await create();
      await warehouse.ensureSchema();
      await warehouse.ping();
      await warehouse.load([event('44444444-4444-4444-8444-444444444444')], '2026-11-28T12:00:00.000Z');
      await warehouse.close();
      await warehouse.close();
      await expect(warehouse.query('SELECT 1')).rejects.toThrow();
      const again = reopen();
      open.push(again);
      expect(await again.query(`SELECT event_id FROM "${table.schema}"."${table.table}"`)).toEqual([{ event_id: '44444444-4444-4444-8444-444444444444' }]);
    });
  });
}
