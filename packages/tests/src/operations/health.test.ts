/**
 * `GET /health-all` reports each component with its state and why, in Signals' shape (`status`
 * and `dependencies`, which the Signals SDKs' test-connection reads), and is not `ok` while a
 * component fails: here a PostgreSQL warehouse on a closed port, one whose database is dropped
 * while the server runs, and a webhook receiver that keeps failing. Serving and ingestion go on.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { enrichedEvent } from '../support/events.js';
import { type TestDatabase, createTestDatabase } from '../support/postgres.js';
import { type TestServer, startTestServer } from '../support/server.js';

let server: TestServer | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await server?.destroy();
  server = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const COMPONENTS = ['storage', 'feature_server', 'engine', 'event_log', 'warehouse_loader', 'webhooks'];
const group = {
  name: 'shopper', version: 1, attribute_key: { name: 'domain_userid' }, is_published: true,
  attributes: [{ name: 'page_views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] }],
};

async function health(): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server!.url}/health-all`);
  return { status: res.status, body: await res.json() };
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Serving and ingestion still work: an event is accepted and its attribute reads back. */
async function stillServes(): Promise<void> {
  const user = randomUUID();
  expect((await server!.call('POST', '/api/v1/events', [enrichedEvent({ time: Date.now(), domain_userid: user })])).status).toBe(200);
  const read = await server!.call('POST', '/api/v1/get-online-attributes', { attributes: ['shopper_v1:page_views'], attribute_keys: { domain_userid: [user] } });
  expect(read.body.page_views).toEqual([1]);
}

describe('GET /health-all', () => {
  it('is ok, with every component ok and why, when everything works', async () => {
    server = await startTestServer({}, { listen: true });
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(Object.keys(body.dependencies)).toEqual(COMPONENTS);
    expect(Object.values(body.dependencies).every((s) => s === 'ok')).toBe(true);
    for (const name of COMPONENTS) expect(body.components[name]).toEqual({ status: 'ok', critical: expect.any(Boolean), detail: expect.any(String) });
    expect(body.components.warehouse_loader.detail).toMatch(/^the warehouse answers; 0 events \(0\.0 MiB\) not yet loaded; nothing loaded since start$/);
    expect(body.components.engine.detail).toMatch(/no event applied since start$/);
  });

  it('reports a warehouse on a closed port failing, and the server degraded but serving', async () => {
    server = await startTestServer({ warehouse: 'postgres://postgres@127.0.0.1:1/nowhere' }, { listen: true });
    await server.call('POST', '/api/v1/registry/attribute_groups/', group);
    await stillServes();
    const { status, body } = await health();
    // A warehouse outage delays atomic.events only: degraded, and 200 so load balancers keep the node.
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.dependencies).toMatchObject({ warehouse_loader: 'failing', engine: 'ok', event_log: 'ok', storage: 'ok', feature_server: 'ok' });
    expect(body.components.warehouse_loader).toEqual({
      status: 'failing', critical: false,
      detail: expect.stringMatching(/^the warehouse does not answer: .*ECONNREFUSED.*; 1 event \(.* MiB\) not yet loaded, kept in the event log until it is back$/),
    });
  });

  it('reports a warehouse whose database was dropped failing, from the next check on', async () => {
    const database: TestDatabase = await createTestDatabase('sbx_health');
    cleanups.push(() => database.drop());
    server = await startTestServer({ warehouse: database.url }, { listen: true });
    await server.call('POST', '/api/v1/registry/attribute_groups/', group);
    await stillServes();
    await until('the event in the warehouse', async () => (await health()).body.components.warehouse_loader.detail.includes('0 events'));
    expect((await health()).body.status).toBe('ok');

    await database.drop();
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.components.warehouse_loader).toMatchObject({ status: 'failing', detail: expect.stringMatching(new RegExp(`^the warehouse does not answer: .*${database.name}.*`)) });
    await stillServes();
  });

  it('reports webhooks degraded while a receiver keeps failing', async () => {
    const receiver = http.createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => receiver.close(() => r())));
    server = await startTestServer({ interventions: { webhooks: { baseDelayMs: 60_000, maxDelayMs: 60_000 } } }, { listen: true });
    await server.call('POST', '/api/v1/registry/attribute_groups/', group);
    await server.call('POST', '/api/v1/registry/interventions/', { name: 'viewer', version: 1, is_published: true, criteria: { attribute: 'shopper:page_views', operator: '>=', value: 1 } });
    await server.call('POST', '/api/v1/webhooks', { name: 'crm', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/` });
    await stillServes();
    await until('the failed attempt', async () => (await health()).body.dependencies.webhooks !== 'ok');
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.components.webhooks).toEqual({ status: 'degraded', critical: false, detail: 'crm: 1 delivery retrying (HTTP 500)' });
  });
});
