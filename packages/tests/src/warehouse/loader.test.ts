/**
 * The loader end to end: events sent to a running Signalbox through `POST /api/v1/events` land in
 * `atomic.events` with the right values, in the default DuckDB file and in the real PostgreSQL,
 * and a warehouse that is down never fails ingestion.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type EnrichedEvent, parseEnrichedTsv } from '@signalbox/core';
import { ATOMIC_EVENTS_COLUMNS, generateTsv } from '@signalbox/server';
import { afterEach, describe, expect, it } from 'vitest';
import { enrichedEvent } from '../support/events.js';
import { type TestDatabase, createTestDatabase } from '../support/postgres.js';
import { type TestServer, startTestServer, tempDataDir } from '../support/server.js';

const lines = [...generateTsv({ events: 400, users: 25, seed: 'warehouse-e2e' })];
const events = lines.map(parseEnrichedTsv);
const NOW = Date.parse('2025-05-03T00:00:00.000Z');
const TEST_STARTED = Math.floor(Date.now() / 1000) * 1000;

let server: TestServer | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  await server?.destroy();
  server = undefined;
  await database?.drop();
  database = undefined;
});

async function send(s: TestServer, tsvLines: string[]) {
  const response = await s.call('POST', '/api/v1/events', tsvLines.join('\n'), { contentType: 'text/tab-separated-values' });
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ accepted: tsvLines.length, rejected: 0 });
}

const query = (s: TestServer, sql: string, params?: unknown[]) => s.signalbox.loader.warehouse.query(sql, params);

/** Every column of the row holds what the event says (money rounded to cents, as DECIMAL(18,2) stores it). */
function expectRowMatches(row: Record<string, unknown>, event: EnrichedEvent) {
  for (const column of ATOMIC_EVENTS_COLUMNS) {
    const name = column.name;
    const actual = row[name];
    if (column.kind === 'json-contexts') {
      const entities = actual === null ? [] : (JSON.parse(String(actual)) as { schema: string; data: Array<{ schema: string; data: unknown }> }).data;
      if (name === 'contexts' && entities.length > 0) {
        expect(JSON.parse(String(actual)).schema).toBe('iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1');
      }
      const byKey = new Map<string, unknown[]>();
      for (const entity of entities) {
        const [, vendor, entityName, , version] = /^iglu:([^/]+)\/([^/]+)\/([^/]+)\/(\d+)-/.exec(entity.schema)!;
        const key = `contexts_${vendor!.replace(/[.-]/g, '_')}_${entityName}_${version}`;
        byKey.set(key, [...(byKey.get(key) ?? []), entity.data]);
      }
      if (name === 'contexts') for (const [key, list] of byKey) expect(list, key).toEqual(event[key]);
      else expect(entities).toEqual([]);
    } else if (column.kind === 'json-unstruct') {
      const key = Object.keys(event).find((k) => k.startsWith('unstruct_event_'));
      if (key === undefined) expect(actual).toBeNull();
      else expect(JSON.parse(String(actual)).data.data).toEqual(event[key]);
    } else if (name === 'load_tstamp') {
      // The wall-clock time the loader's thread wrote the row: after the test started.
      expect(Date.parse(String(actual))).toBeGreaterThanOrEqual(TEST_STARTED);
    } else if (column.sqlType === 'DECIMAL(18,2)' && typeof event[name] === 'number') {
      expect(actual, name).toBe(Math.round((event[name] as number) * 100) / 100);
    } else {
      expect(actual, name).toEqual(event[name] ?? null);
    }
  }
}

async function checkLoaded(s: TestServer) {
  await send(s, lines.slice(0, 250));
  await send(s, lines.slice(250));
  await s.signalbox.loader.flush();
  expect(await query(s, 'SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM atomic.events')).toEqual([{ n: 400, ids: 400 }]);

  const rows = await query(s, 'SELECT * FROM atomic.events');
  const byId = new Map(rows.map((r) => [r['event_id'], r]));
  for (const event of events) expectRowMatches(byId.get(event['event_id'])!, event);

  // The queries people write against atomic.events give the generated data's answers.
  const views = events.filter((e) => e['event'] === 'page_view').length;
  const struct = events.filter((e) => e['event'] === 'struct');
  const [summary] = await query(
    s,
    `SELECT count(*) FILTER (WHERE event = 'page_view') AS views, count(*) FILTER (WHERE event = $1) AS struct,
            sum(se_value) AS se_total, min(derived_tstamp) AS first_seen
       FROM atomic.events`,
    ['struct'],
  );
  expect(summary).toEqual({
    views,
    struct: struct.length,
    se_total: struct.reduce((sum, e) => sum + ((e['se_value'] as number | undefined) ?? 0), 0) || null,
    first_seen: events.map((e) => String(e['derived_tstamp'])).sort()[0],
  });
}

describe('warehouse loader, DuckDB (default)', () => {
  it('loads events sent to POST /api/v1/events into <data dir>/warehouse.duckdb with their values', async () => {
    server = await startTestServer({}, { clock: () => NOW });
    expect(existsSync(join(server.dataDir, 'warehouse.duckdb'))).toBe(true);
    await checkLoaded(server);
  });

  it('loads JSON-sent events too, and keeps the file readable after a restart', async () => {
    const dataDir = tempDataDir();
    const first = await startTestServer({}, { clock: () => NOW, dataDir });
    const json = enrichedEvent({ time: NOW - 60_000, event_id: 'a0a0a0a0-0000-4000-8000-000000000001', se_value: '7.25', domain_sessionidx: 2 });
    expect((await first.call('POST', '/api/v1/events', [json])).status).toBe(200);
    await first.close(); // flushes the loader and releases the DuckDB file
    server = await startTestServer({}, { clock: () => NOW, dataDir });
    expect(await query(server, 'SELECT event_id, se_value, domain_sessionidx, collector_tstamp FROM atomic.events')).toEqual([
      { event_id: 'a0a0a0a0-0000-4000-8000-000000000001', se_value: 7.25, domain_sessionidx: 2, collector_tstamp: new Date(NOW - 60_000).toISOString() },
    ]);
  });
});

describe('warehouse loader, PostgreSQL (--warehouse postgres://…)', () => {
  it('loads events sent to POST /api/v1/events into atomic.events with their values', async () => {
    database = await createTestDatabase('sbx_loader');
    server = await startTestServer({ warehouse: database.url }, { clock: () => NOW });
    await checkLoaded(server);
    // Seen from an ordinary client, not through Signalbox.
    const [row] = await database.query(
      `SELECT event_id, collector_tstamp = $2::timestamp AS same_time, contexts::jsonb -> 'data' -> 0 ->> 'schema' AS first_entity
         FROM atomic.events WHERE event_id = $1`,
      [events[0]!['event_id'], String(events[0]!['collector_tstamp']).replace('T', ' ').replace('Z', '')],
    );
    expect(row).toEqual({ event_id: events[0]!['event_id'], same_time: true, first_entity: 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0' });
  });
});

describe('warehouse loader when the warehouse is down', () => {
  it('keeps accepting and processing events, and reports the failures in /metrics', async () => {
    // Nothing listens on port 1: every connection is refused.
    server = await startTestServer({ warehouse: 'postgres://postgres@127.0.0.1:1/nowhere' }, { clock: () => NOW });
    await send(server, lines.slice(0, 20));
    await expect(server.signalbox.loader.flush()).rejects.toThrow(/warehouse unavailable/);
    const metrics = await server.call('GET', '/metrics', undefined, { auth: false });
    expect(metrics.status).toBe(200);
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics.text)?.[1]);
    expect(value('signalbox_warehouse_load_failures_total')).toBeGreaterThanOrEqual(2);
    // Nothing is held in memory: the event log keeps the 20 events until the warehouse is back.
    expect(value('signalbox_warehouse_backlog_bytes')).toBeGreaterThan(20 * 500);
    expect(value('signalbox_warehouse_events_loaded_total')).toBe(0);
    expect(value('signalbox_events_processed_total')).toBe(20);
  });

  it('refuses a warehouse option it does not know', async () => {
    await expect(startTestServer({ warehouse: 'snowflake://acct' })).rejects.toThrow(/--warehouse snowflake:\/\/acct/);
  });
});
