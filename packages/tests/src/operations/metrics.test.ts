/**
 * `GET /metrics` scraped from a real server and read as Prometheus would: every `*_total` family
 * is a counter; request latency is a histogram per route pattern (never per raw URL); and the
 * engine's and the warehouse loader's freshness gauges say how far behind they are.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { enrichedEvent } from '../support/events.js';
import { type Family, scrape, valueOf } from '../support/prometheus.js';
import { TEST_API_KEY, type TestServer, startTestServer } from '../support/server.js';

const AUTH = { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.destroy();
  server = undefined;
});

const group = {
  name: 'shopper', version: 1, attribute_key: { name: 'domain_userid' }, is_published: true,
  attributes: [{ name: 'page_views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] }],
};

async function post(path: string, body: unknown): Promise<Response> {
  const res = await fetch(`${server!.url}${path}`, { method: 'POST', headers: AUTH, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  return res;
}

/** The value of a gauge or counter without labels; fails when the family is missing. */
function single(families: Map<string, Family>, name: string): number {
  const value = valueOf(families, name);
  expect(value, `${name} is exposed`).toBeDefined();
  return value!;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Nothing listens on port 1: a warehouse that refuses every connection. */
const UNREACHABLE_WAREHOUSE = 'postgres://postgres@127.0.0.1:1/nowhere';

describe('GET /metrics', () => {
  it('declares every *_total family as a counter, and the counts go up', async () => {
    server = await startTestServer({}, { listen: true });
    await post('/api/v1/registry/attribute_groups/', group);
    const user = randomUUID();
    await post('/api/v1/events', [enrichedEvent({ time: Date.now(), domain_userid: user }), enrichedEvent({ time: Date.now(), domain_userid: user })]);
    const { families } = await scrape(server.url);
    const totals = [...families.entries()].filter(([name]) => name.endsWith('_total'));
    // Signalbox's own, the collector's, the warehouse's and the interventions' (not vacuous).
    expect(totals.filter(([name]) => name.startsWith('signalbox_')).length).toBeGreaterThanOrEqual(22);
    for (const [name, family] of totals) expect(family.type, `# TYPE ${name}`).toBe('counter');
    expect(single(families, 'signalbox_events_processed_total')).toBe(2);
    expect(single(families, 'signalbox_attribute_updates_total')).toBe(2);
  });

  it('times requests per route pattern, method and status class, never by the raw URL', async () => {
    server = await startTestServer({}, { listen: true });
    await post('/api/v1/registry/attribute_groups/', group);
    const user = randomUUID();
    await post('/api/v1/get-online-attributes', { attributes: ['shopper_v1:page_views'], attribute_keys: { domain_userid: [user] } });
    await post('/api/v1/get-online-attributes', { attributes: ['shopper_v1:page_views'], attribute_keys: { domain_userid: [user] } });
    const secret = randomUUID();
    await fetch(`${server.url}/api/v1/domain_userid/${secret}`, { method: 'DELETE', headers: { authorization: AUTH.authorization } });
    await fetch(`${server.url}/no-such-page-${secret}?q=${secret}`);

    const { text, families } = await scrape(server.url);
    const histogram = families.get('signalbox_http_request_duration_seconds');
    expect(histogram?.type).toBe('histogram');
    const serving = { route: '/api/v1/get-online-attributes', method: 'POST', status_class: '2xx' };
    expect(valueOf(families, 'signalbox_http_request_duration_seconds_count', serving)).toBe(2);
    expect(valueOf(families, 'signalbox_http_request_duration_seconds_bucket', { ...serving, le: '+Inf' })).toBe(2);
    expect(valueOf(families, 'signalbox_http_request_duration_seconds_sum', serving)).toBeGreaterThan(0);
    // Buckets from 100 µs to 10 s, so a p99 of a fraction of a millisecond is visible.
    const bounds = histogram!.samples.filter((s) => s.name.endsWith('_bucket') && s.labels['route'] === serving.route).map((s) => s.labels['le']);
    expect(bounds).toEqual(['0.0001', '0.00025', '0.0005', '0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
    expect(valueOf(families, 'signalbox_http_request_duration_seconds_count', { route: '/api/v1/:attribute_key/:identifier', method: 'DELETE' })).toBe(1);
    expect(valueOf(families, 'signalbox_http_request_duration_seconds_count', { route: 'unmatched', method: 'GET', status_class: '4xx' })).toBe(1);
    expect(text).not.toContain(secret);
  });

  it('reports how fresh the engine is: the last applied event and its age', async () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    server = await startTestServer({}, { listen: true, clock: () => now });
    const before = (await scrape(server.url)).families;
    expect(single(before, 'signalbox_engine_last_event_time_seconds')).toBe(0);
    await post('/api/v1/events', [enrichedEvent({ time: now - 120_000 }), enrichedEvent({ time: now - 90_000 })]);
    const after = (await scrape(server.url)).families;
    expect(single(after, 'signalbox_engine_last_event_time_seconds')).toBe((now - 90_000) / 1000);
    expect(single(after, 'signalbox_engine_event_lag_seconds')).toBe(90);
    expect(single(after, 'signalbox_engine_last_applied_time_seconds')).toBe(now / 1000);
  });

  it('reports the warehouse loader catching up: nothing behind and a last load time once events are loaded', async () => {
    server = await startTestServer({}, { listen: true });
    const started = Date.now() / 1000;
    const before = (await scrape(server.url)).families;
    expect(single(before, 'signalbox_warehouse_last_load_time_seconds')).toBe(0);
    expect(single(before, 'signalbox_warehouse_backlog_events')).toBe(0);
    await post('/api/v1/events', Array.from({ length: 5 }, () => enrichedEvent({ time: Date.now() })));
    await until('the events in the warehouse', async () => single((await scrape(server!.url)).families, 'signalbox_warehouse_events_loaded_total') === 5);
    const after = (await scrape(server.url)).families;
    expect(single(after, 'signalbox_warehouse_last_load_time_seconds')).toBeGreaterThanOrEqual(Math.floor(started));
    expect(single(after, 'signalbox_warehouse_backlog_events')).toBe(0);
    expect(single(after, 'signalbox_warehouse_backlog_bytes')).toBe(0);
    expect(single(after, 'signalbox_warehouse_lag_seconds')).toBe(0);
  });

  it('reports the events, bytes and time the loader is behind while the warehouse is unreachable', async () => {
    server = await startTestServer({ warehouse: UNREACHABLE_WAREHOUSE }, { listen: true });
    await post('/api/v1/events', Array.from({ length: 7 }, () => enrichedEvent({ time: Date.now() })));
    await until('the backlog counted', async () => valueOf((await scrape(server!.url)).families, 'signalbox_warehouse_backlog_events') === 7);
    const { families } = await scrape(server.url);
    expect(single(families, 'signalbox_warehouse_backlog_bytes')).toBeGreaterThan(7 * 100);
    expect(single(families, 'signalbox_warehouse_lag_seconds')).toBeGreaterThan(0);
    expect(single(families, 'signalbox_warehouse_last_load_time_seconds')).toBe(0);
    expect(single(families, 'signalbox_warehouse_load_failures_total')).toBeGreaterThan(0);
    expect(single(families, 'signalbox_warehouse_events_loaded_total')).toBe(0);
  });
});
