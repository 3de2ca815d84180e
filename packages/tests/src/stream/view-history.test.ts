/**
 * Registry changes are not event-log records (design §4 "Event source"): each engine view is a
 * numbered row of the registry store and each logged event names the view it was accepted
 * under. So replaying the log after `kill -9` processes every event under the attributes and
 * rules it first met, across publishes in between — checked on the real server, with the
 * files a user would look at.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { AttributeGroup, buildStreamView, builtInKey } from '@signalbox/core';
import { enrichedEvent, enrichedTsv } from '../support/events.js';
import { type ServerProcess, startServerProcess } from '../support/process.js';
import { tempDataDir } from '../support/server.js';

const KEY = 'view-history-key';
const USER = '7f1c2a9e-5b3d-4c8e-9a1f-2d3e4f5a6b7c';
const dataDir = tempDataDir('signalbox-views-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function call(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const counter = (name: string) => ({ name, type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] });
const group = (name: string, extra: Record<string, unknown> = {}) => ({ name, version: 1, attribute_key: { name: 'domain_userid' }, is_published: true, attributes: [{ ...counter('views'), ...extra }] });
/** A server on `dir` that is killed when the test ends, passed or failed. */
async function start(dir: string): Promise<ServerProcess> {
  const server = await startServerProcess(['--data-dir', dir], { SIGNALBOX_API_KEY: KEY });
  onTestFinished(() => server.kill9());
  return server;
}

const pageViews = (n: number) => Array.from({ length: n }, () => enrichedEvent({ time: Date.now() - 1000, domain_userid: USER }));

describe('engine views across kill -9', () => {
  it('replays each event under the view it was accepted under; the log holds no registry records', async () => {
    let server = await start(dataDir);
    expect((await call(server.url, 'POST', '/api/v1/registry/attribute_groups/', group('before'))).status).toBe(200);
    expect((await call(server.url, 'POST', '/api/v1/events', pageViews(5))).body.processed).toBe(5);
    // Published between two batches (a windowed counter: a definition of its own): only the later events count for it.
    expect((await call(server.url, 'POST', '/api/v1/registry/attribute_groups/', group('after', { period: 'P1D' }))).status).toBe(200);
    expect((await call(server.url, 'POST', '/api/v1/events', pageViews(3))).body.processed).toBe(3);
    const read = { attributes: ['before_v1:views', 'after_v1:views'], attribute_keys: { domain_userid: [USER] } };
    const values = await call(server.url, 'POST', '/api/v1/get-online-attributes', { ...read, full_attribute_names: true });
    expect(values.body).toEqual({ domain_userid: [USER], 'before_v1:views': [8], 'after_v1:views': [3] });

    await server.kill9();
    // The log as the crash left it: events naming their view, and no view records.
    const logDir = join(dataDir, 'log');
    const lines = readdirSync(logDir)
      .filter((f) => f.endsWith('.log'))
      .flatMap((f) => readFileSync(join(logDir, f), 'utf8').split('\n').filter(Boolean));
    expect(lines.filter((l) => l.startsWith('V\t') || l.startsWith('I\t'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('J\t')).map((l) => l.split('\t')[1]!.split(':')[1])).toEqual([...'11111222'].map(String));
    // The views are numbered rows of the registry store.
    const viewsInStore = () => JSON.parse(readFileSync(join(dataDir, 'registry.json'), 'utf8')).engine_views as Record<string, { attributes: unknown[] }>;
    expect(Object.keys(viewsInStore())).toEqual(['1', '2']);
    expect([viewsInStore()['1']!.attributes.length, viewsInStore()['2']!.attributes.length]).toEqual([1, 2]);

    server = await start(dataDir);
    expect(server.output()).toMatch(/replayed\s+\d+ log records on start/);
    expect((await call(server.url, 'POST', '/api/v1/get-online-attributes', { ...read, full_attribute_names: true })).body).toEqual(values.body);
    // A clean stop snapshots: replay starts there, so only the view in force is kept.
    expect(await server.stop()).toBe(0);
    expect(Object.keys(viewsInStore())).toEqual(['2']);
    server = await start(dataDir);
    expect(server.output()).toContain('replayed        0 log records on start');
    expect((await call(server.url, 'POST', '/api/v1/get-online-attributes', { ...read, full_attribute_names: true })).body).toEqual(values.body);
    await server.stop();
  });

  it('a data dir from before views were numbered replays its view records, then numbers the views', async () => {
    // What an earlier version left: the group in registry.json, and a log holding its view as a
    // `V` record ahead of the events it computed.
    const legacyDir = tempDataDir('signalbox-views-legacy-');
    try {
      const legacy = AttributeGroup.parse(group('legacy'));
      writeFileSync(join(legacyDir, 'registry.json'), JSON.stringify({ attribute_keys: {}, attribute_groups: { legacy: { 1: legacy } }, services: {}, interventions: {} }));
      const view = buildStreamView([{ group: legacy, key: builtInKey('domain_userid')! }]);
      const now = Date.now();
      const records = [`V\t${JSON.stringify(view)}`, ...[1, 2, 3, 4].map((i) => `T\t${now}\t${enrichedTsv({ time: now - i * 1000, domain_userid: USER })}`)];
      mkdirSync(join(legacyDir, 'log'));
      writeFileSync(join(legacyDir, 'log', '0000000000.log'), records.join('\n') + '\n');

      const server = await start(legacyDir);
      expect(server.output()).toContain('replayed        5 log records on start');
      const read = { attributes: ['legacy_v1:views'], attribute_keys: { domain_userid: [USER] } };
      expect((await call(server.url, 'POST', '/api/v1/get-online-attributes', read)).body).toEqual({ domain_userid: [USER], views: [4] });
      const sent = await call(server.url, 'POST', '/api/v1/events', pageViews(1));
      expect(sent.body.processed).toBe(1);
      expect((await call(server.url, 'POST', '/api/v1/get-online-attributes', read)).body).toEqual({ domain_userid: [USER], views: [5] });
      await server.kill9();
      // From now on the view is a numbered row, and new events name it.
      const registry = JSON.parse(readFileSync(join(legacyDir, 'registry.json'), 'utf8'));
      expect(Object.keys(registry.engine_views)).toEqual(['1']);
      const lines = readFileSync(join(legacyDir, 'log', '0000000000.log'), 'utf8').split('\n').filter(Boolean);
      expect(lines.at(-1)!.split('\t')[1]).toMatch(/^\d+:1$/);
      const again = await start(legacyDir);
      expect((await call(again.url, 'POST', '/api/v1/get-online-attributes', read)).body).toEqual({ domain_userid: [USER], views: [5] });
      await again.stop();
    } finally {
      rmSync(legacyDir, { recursive: true, force: true });
    }
  });
});
