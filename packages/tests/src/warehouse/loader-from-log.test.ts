/**
 * The loader reads the event log behind the engine and keeps its cursor in the warehouse, written
 * with each batch: every logged event lands in atomic.events exactly once — across a loader that
 * dies without closing, a warehouse outage, and an event the warehouse refuses. Real DuckDB files
 * and a real PostgreSQL database.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBWarehouse, EventLog, PostgresWarehouse, WarehouseLoader } from '@signalbox/server/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { enrichedEvent, enrichedTsv } from '../support/events.js';
import { TEST_POSTGRES_URL, createTestDatabase } from '../support/postgres.js';
import { tempDataDir } from '../support/server.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const T = Date.parse('2026-11-28T10:00:00Z');
const options = { flushIntervalMs: 60_000, retryMinMs: 20, retryMaxMs: 50, batchBytes: 8 * 1024 };

/** A log with `count` events (TSV and JSON records) and a view record in between. */
function logWith(count: number): { log: EventLog; ids: string[]; dir: string } {
  const dir = tempDataDir('signalbox-loader-');
  dirs.push(dir);
  const log = new EventLog(dir);
  log.open();
  const ids: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const event = enrichedEvent({ time: T + i, domain_userid: `u${i % 3}` });
    ids.push(String(event['event_id']));
    lines.push(i % 2 === 0 ? `T\t${T}\t${enrichedTsv({ time: T + i, event_id: event['event_id'] as string, domain_userid: `u${i % 3}` })}` : `J\t${T}\t${JSON.stringify(event)}`);
    if (i === 5) lines.push('V\t[]');
  }
  log.append(lines.map((l) => `${l}\n`).join(''));
  return { log, ids, dir };
}

const loadedIds = async (warehouse: { query(sql: string): Promise<Record<string, unknown>[]> }) =>
  (await warehouse.query('SELECT event_id FROM atomic.events ORDER BY collector_tstamp, event_id')).map((r) => r['event_id']);

describe('loading atomic.events from the event log', () => {
  it('loads every event once, in order, and a new loader resumes from the stored cursor', async () => {
    const { log, ids, dir } = logWith(40);
    const file = join(dir, 'warehouse.duckdb');
    const first = new WarehouseLoader(new DuckDBWarehouse(file), options);
    await first.start(log);
    await first.flush();
    expect(first.counters.loaded).toBe(40);
    expect(first.backlogBytes).toBe(0);
    // More events arrive; the loader dies before loading them (its warehouse handle just goes away).
    log.append(`T\t${T}\t${enrichedTsv({ time: T + 100, event_id: '11111111-1111-4111-8111-111111111111' })}\n`);
    await first.warehouse.close();

    const second = new WarehouseLoader(new DuckDBWarehouse(file), options);
    await second.start(log);
    await second.flush();
    expect(second.counters.loaded).toBe(1);
    expect((await loadedIds(second.warehouse)).sort()).toEqual([...ids, '11111111-1111-4111-8111-111111111111'].sort());
    await second.close();
  });

  it('waits out a warehouse outage with the log as its buffer, then loads everything once', async () => {
    const { log, ids } = logWith(25);
    // A database that does not exist yet: the warehouse is down until the test creates it.
    const db = await createTestDatabase('sbx_loader');
    await db.drop();
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${db.name}`;
    const loader = new WarehouseLoader(new PostgresWarehouse(url.toString()), options);
    await loader.start(log); // does not throw
    await expect(loader.flush()).rejects.toThrow(/warehouse unavailable/);
    expect(loader.counters.failures).toBeGreaterThanOrEqual(2);
    expect(loader.backlogBytes).toBeGreaterThan(0);
    expect(loader.position()).toEqual({ segment: 0, offset: 0 });

    const admin = new PostgresWarehouse(TEST_POSTGRES_URL);
    await admin.query(`CREATE DATABASE ${db.name}`);
    await admin.close();
    // The backoff timer retries by itself.
    await expect.poll(() => loader.counters.loaded, { timeout: 10_000 }).toBe(25);
    expect(loader.error).toBeUndefined();
    expect((await loadedIds(loader.warehouse)).sort()).toEqual([...ids].sort());
    await loader.close();
    await db.drop();
  });

  it('gives up only the event the warehouse refuses while it is up', async () => {
    const { log, ids } = logWith(6);
    const db = await createTestDatabase('sbx_loader');
    const warehouse = new PostgresWarehouse(db.url);
    await warehouse.ensureSchema();
    await warehouse.query(`ALTER TABLE atomic.events ADD CONSTRAINT refuse_one CHECK (event_id <> '${ids[2]}')`);
    const loader = new WarehouseLoader(warehouse, options);
    await loader.start(log);
    await loader.flush();
    expect(loader.counters).toMatchObject({ loaded: 5, rejected: 1 });
    expect((await loadedIds(warehouse)).sort()).toEqual(ids.filter((_, i) => i !== 2).sort());
    expect(loader.backlogBytes).toBe(0);
    await loader.close();
    await db.drop();
  });
});
