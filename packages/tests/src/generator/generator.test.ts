/**
 * The event generator end to end: `signalbox generate` is reproducible byte for byte, and its
 * events replayed into a running Signalbox give attribute values that agree with counts computed
 * from the generated events themselves (and land in the warehouse).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type EnrichedEvent, parseEnrichedTsv } from '@signalbox/core';
import { generateTsv } from '@signalbox/server';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, startServerProcess } from '../support/process.js';
import { TEST_API_KEY, type TestServer, startTestServer, tempDataDir } from '../support/server.js';

const ECOMMERCE = 'com.snowplowanalytics.snowplow.ecommerce';
const ACTION_KEY = 'unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1';
const TRANSACTION_KEY = 'contexts_com_snowplowanalytics_snowplow_ecommerce_transaction_1';
const PRODUCT_KEY = 'contexts_com_snowplowanalytics_snowplow_ecommerce_product_1';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('signalbox generate', () => {
  it('writes the same bytes for the same seed, the same lines as generateTsv, and other bytes for another seed', () => {
    const dir = tempDataDir('signalbox-gen-');
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const run = (file: string, seed: string) => {
      execFileSync(process.execPath, [CLI, 'generate', '--events', '600', '--users', '40', '--seed', seed, '--start', '2026-02-01T10:00:00Z', '--out', join(dir, file)], { stdio: 'pipe' });
      return readFileSync(join(dir, file), 'utf8');
    };
    const first = run('a.tsv', 'cli-test');
    expect(run('b.tsv', 'cli-test')).toBe(first);
    expect(run('c.tsv', 'other')).not.toBe(first);
    const expected = [...generateTsv({ events: 600, users: 40, seed: 'cli-test', start: '2026-02-01T10:00:00Z' })];
    expect(first).toBe(`${expected.join('\n')}\n`);
    // Written to stdout when --out is not given.
    const stdout = execFileSync(process.execPath, [CLI, 'generate', '--events', '3', '--seed', 'cli-test', '--users', '40', '--start', '2026-02-01T10:00:00Z'], { encoding: 'utf8' });
    expect(stdout).toBe(`${expected.slice(0, 3).join('\n')}\n`);
  });

  it('rejects bad options with a message', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, [CLI, 'generate', '--events', 'many'], { stdio: 'pipe' });
    } catch (error) {
      stderr = String((error as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain('--events must be a whole number, got "many"');
  });
});

describe('generated events replayed into Signalbox', () => {
  const lines = [...generateTsv({ events: 4000, users: 30, seed: 'replay', start: '2026-03-01T08:00:00.000Z' })];
  const events = lines.map(parseEnrichedTsv);
  const lastTime = Math.max(...events.map((e) => Date.parse(String(e['derived_tstamp']))));
  const action = (e: EnrichedEvent) => (e[ACTION_KEY] as { type: string } | undefined)?.type;

  const group = {
    name: 'shopper',
    version: 1,
    attribute_key: { name: 'domain_userid' },
    owner: 'team@example.com',
    is_published: true,
    attributes: [
      { name: 'page_views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] },
      { name: 'pings', type: 'int32', aggregation: 'counter', events: [{ name: 'page_ping' }] },
      ...(['add_to_cart', 'transaction', 'product_view'] as const).map((type) => ({
        name: `${type}s`,
        type: 'int32',
        aggregation: 'counter',
        events: [{ vendor: ECOMMERCE, name: 'snowplow_ecommerce_action' }],
        criteria: { all: [{ property: { type: 'event', vendor: ECOMMERCE, name: 'snowplow_ecommerce_action', major_version: 1, path: 'type' }, operator: '=', value: type }] },
      })),
      {
        name: 'revenue',
        type: 'double',
        aggregation: 'sum',
        events: [{ vendor: ECOMMERCE, name: 'snowplow_ecommerce_action' }],
        property: { type: 'entity', vendor: ECOMMERCE, name: 'transaction', major_version: 1, path: 'revenue' },
      },
      {
        name: 'categories',
        type: 'string_list',
        aggregation: 'unique_list',
        events: [{ vendor: ECOMMERCE, name: 'snowplow_ecommerce_action' }],
        property: { type: 'entity', vendor: ECOMMERCE, name: 'product', major_version: 1, path: 'category' },
      },
      { name: 'last_campaign', type: 'string', aggregation: 'last', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'mkt_campaign' } },
      { name: 'videos', type: 'int32', aggregation: 'counter', events: [{ name: 'event', vendor: 'com.google.analytics' }], criteria: { all: [{ property: { type: 'atomic', name: 'se_category' }, operator: '=', value: 'video' }] } },
    ],
  };

  /** The values each attribute must have, computed from the generated events alone. */
  function expectedFor(user: string) {
    const mine = events.filter((e) => e['domain_userid'] === user);
    const count = (test: (e: EnrichedEvent) => boolean) => mine.filter(test).length;
    const campaigns = mine.filter((e) => e['event'] === 'page_view' && e['mkt_campaign'] !== undefined);
    campaigns.sort((a, b) => Date.parse(String(a['derived_tstamp'])) - Date.parse(String(b['derived_tstamp'])));
    const revenue = mine.reduce((sum, e) => sum + ((e[TRANSACTION_KEY] as Array<{ revenue: number }> | undefined)?.[0]?.revenue ?? 0), 0);
    const categories = new Set(mine.flatMap((e) => ((e[PRODUCT_KEY] as Array<{ category: string }> | undefined) ?? []).slice(0, 1).map((p) => p.category)));
    return {
      page_views: count((e) => e['event'] === 'page_view'),
      pings: count((e) => e['event'] === 'page_ping'),
      add_to_carts: count((e) => action(e) === 'add_to_cart'),
      transactions: count((e) => action(e) === 'transaction'),
      product_views: count((e) => action(e) === 'product_view'),
      revenue,
      categories: [...categories].sort(),
      last_campaign: campaigns.at(-1)?.['mkt_campaign'] ?? null,
      videos: count((e) => e['se_category'] === 'video'),
    };
  }

  it('computes attributes that agree with the generated events, and loads every event into the warehouse', async () => {
    const server: TestServer = await startTestServer({}, { clock: () => lastTime + 60_000 });
    cleanup.push(() => server.destroy());
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', group)).status).toBe(200);
    expect((await server.call('POST', '/api/v1/registry/services/', { name: 'shop', attribute_groups: [{ name: 'shopper', version: 1 }], is_published: true })).status).toBe(200);
    for (let i = 0; i < lines.length; i += 1000) {
      const sent = await server.call('POST', '/api/v1/events', lines.slice(i, i + 1000).join('\n'), { contentType: 'text/tab-separated-values' });
      expect(sent.body).toMatchObject({ accepted: Math.min(1000, lines.length - i), rejected: 0, duplicates: 0 });
    }

    const users = [...new Set(events.map((e) => String(e['domain_userid'])))];
    const read = await server.call('POST', '/api/v1/get-online-attributes', { service: 'shop', attribute_keys: { domain_userid: users } });
    expect(read.status).toBe(200);
    let buyers = 0;
    users.forEach((user, i) => {
      const expected = expectedFor(user);
      const actual = Object.fromEntries(Object.keys(expected).map((name) => [name, read.body[name][i]]));
      actual['categories'] = [...(actual['categories'] as string[])].sort();
      expect(actual.revenue).toBeCloseTo(expected.revenue, 6);
      expect({ ...actual, revenue: 0 }).toEqual({ ...expected, revenue: 0 });
      if (expected.transactions > 0) buyers++;
    });
    // The data set is only a useful check if it has purchases in it.
    expect(buyers).toBeGreaterThan(0);

    await server.signalbox.loader.flush();
    const counts = await server.signalbox.loader.warehouse.query('SELECT event_name, count(*) AS n FROM atomic.events GROUP BY event_name ORDER BY event_name');
    const expectedCounts = new Map<string, number>();
    for (const e of events) expectedCounts.set(String(e['event_name']), (expectedCounts.get(String(e['event_name'])) ?? 0) + 1);
    expect(counts).toEqual([...expectedCounts].sort(([a], [b]) => a.localeCompare(b)).map(([event_name, n]) => ({ event_name, n })));
  });

  it('works as a demo: generate, start, replay, stop, then query the DuckDB file', async () => {
    const dataDir = tempDataDir();
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const file = join(dataDir, 'events.tsv');
    execFileSync(process.execPath, [CLI, 'generate', '--events', '1200', '--seed', 'demo', '--out', file], { stdio: 'pipe' });
    const running = await startServerProcess(['--data-dir', dataDir, '--api-key', TEST_API_KEY]);
    cleanup.push(async () => {
      if (running.child.exitCode === null) await running.kill9();
    });
    const replayed = execFileSync(process.execPath, [CLI, 'replay', file, '--url', running.url, '--api-key', TEST_API_KEY], { encoding: 'utf8' });
    expect(replayed).toContain('replayed 1200 lines: 1200 accepted');
    expect(await running.stop()).toBe(0); // SIGTERM flushes the loader and closes warehouse.duckdb

    const server = await startTestServer({}, { dataDir });
    cleanup.push(() => server.close());
    expect(await server.signalbox.loader.warehouse.query("SELECT count(*) AS n, count(*) FILTER (WHERE event = 'page_view') AS views FROM atomic.events")).toEqual([
      { n: 1200, views: [...generateTsv({ events: 1200, seed: 'demo' })].filter((l) => l.split('\t')[5] === 'page_view').length },
    ]);
  });
});
