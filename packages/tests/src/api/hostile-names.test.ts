/**
 * Names that are also properties of every JavaScript object (`__proto__`, `constructor`,
 * `toString`, …) are ordinary names (issue 7 item 17): as an attribute key, group, attribute,
 * service and intervention they are created, found, refused as duplicates, read, deleted and
 * kept across a restart like any other — and nothing leaks into `Object.prototype`.
 */
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enrichedEvent } from '../support/events.js';
import { type TestServer, startTestServer, tempDataDir } from '../support/server.js';

const NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'] as const;
const NOW = Date.parse('2026-11-28T12:00:00Z');
const USER = 'u-hostile-1';
const R = '/api/v1/registry';

const servers: TestServer[] = [];
const dataDirs: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<TestServer> {
  if (!dataDirs.includes(dataDir)) dataDirs.push(dataDir);
  const server = await startTestServer({}, { clock: () => NOW, dataDir });
  servers.push(server);
  return server;
}

/** Per name: a key, a group on it, a group on user_id with an attribute of that name, a service, an intervention. */
function definitions(name: string, i: number) {
  return {
    key: { name, description: `key ${name}`, property: { type: 'atomic', name: 'user_id' } },
    group: {
      name, version: 1, attribute_key: { name }, is_published: true,
      attributes: [{ name: 'views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] }],
    },
    attributeGroup: {
      name: `attrs_${i}`, version: 1, attribute_key: { name: 'user_id' }, is_published: true,
      attributes: [{ name, type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] }],
    },
    service: { name, attribute_groups: [{ name, version: 1 }], is_published: true },
    intervention: { name, criteria: { attribute: `${name}:views`, operator: '>=', value: 1 }, is_published: true },
  };
}

const items = (name: string) => ({
  key: `${R}/attribute_keys/${name}`,
  group: `${R}/attribute_groups/${name}/versions/1`,
  service: `${R}/services/${name}`,
  intervention: `${R}/interventions/${name}/versions/1`,
});

/** Object.prototype has exactly its standard own properties and no enumerable ones. */
function expectPrototypeUntouched(): void {
  expect(Object.keys(Object.prototype)).toEqual([]);
  const plain: Record<string, unknown> = {};
  for (const field of ['name', 'version', 'attributes', 'attribute_key', 'views', 'is_published']) expect(plain[field]).toBeUndefined();
  expect(typeof plain['toString']).toBe('function');
}

describe('names that are Object.prototype properties', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = tempDataDir('signalbox-hostile-');
  });

  it('are unknown (404) before they are created, through every route that looks names up', async () => {
    const server = await start(dataDir);
    for (const name of NAMES) {
      for (const url of Object.values(items(name))) expect((await server.call('GET', url)).status, url).toBe(404);
      expect((await server.call('GET', `${R}/attribute_groups/${name}`)).status).toBe(404);
      expect((await server.call('DELETE', items(name).service)).status).toBe(404);
      const read = await server.call('POST', '/api/v1/get-online-attributes', { service: name, attribute_keys: { user_id: [USER] } });
      expect(read.status, name).toBe(404);
      expect(read.body.error).toBe(`service "${name}" not found`);
    }
    expectPrototypeUntouched();
  });

  it('are created once, found, refused as duplicates, read, and kept across a restart', async () => {
    let server = await start(dataDir);
    for (const [i, name] of NAMES.entries()) {
      const d = definitions(name, i);
      for (const [collection, body] of [
        ['attribute_keys', d.key], ['attribute_groups', d.group], ['attribute_groups', d.attributeGroup], ['services', d.service], ['interventions', d.intervention],
      ] as const) {
        const created = await server.call('POST', `${R}/${collection}/`, body);
        expect(created.status, `${collection} ${name}: ${created.text}`).toBe(200);
        expect(created.body.name).toBe(body.name);
        const again = await server.call('POST', `${R}/${collection}/`, body);
        expect(again.status).toBe(400);
        expect(again.body.detail).toContain('already exists');
      }
    }
    expectPrototypeUntouched();

    const before = new Map<string, unknown>();
    for (const name of NAMES) {
      for (const url of Object.values(items(name))) {
        const got = await server.call('GET', url);
        expect(got.status, url).toBe(200);
        expect(got.body.name).toBe(name);
        before.set(url, got.body);
      }
    }
    const keyNames = (await server.call('GET', `${R}/attribute_keys/`)).body.map((k: { name: string }) => k.name);
    expect(keyNames).toEqual(expect.arrayContaining([...NAMES]));
    const interventions = (await server.call('GET', '/api/v1/engines/interventions')).body.interventions.map((x: { name: string }) => x.name);
    expect(interventions).toEqual(expect.arrayContaining([...NAMES]));

    const events = await server.call('POST', '/api/v1/events', [enrichedEvent({ time: NOW - 1000, user_id: USER })]);
    expect(events.body.processed).toBe(1);

    const readAll = async (s: TestServer) => {
      for (const [i, name] of NAMES.entries()) {
        // An attribute named like a prototype property is a column like any other.
        const byAttribute = await s.call('POST', '/api/v1/get-online-attributes', { attributes: [`attrs_${i}_v1:${name}`], attribute_keys: { user_id: [USER] } });
        expect(byAttribute.status, byAttribute.text).toBe(200);
        expect(Object.hasOwn(byAttribute.body, name)).toBe(true);
        expect(byAttribute.body[name]).toEqual([1]);

        const byService = await s.call('POST', '/api/v1/get-online-attributes', { service: name, attribute_keys: { [name]: [USER] } });
        if (name === '__proto__') {
          // A JSON body with a "__proto__" member is refused before it is read (prototype-poisoning protection).
          expect(byService.status).toBe(400);
        } else {
          expect(byService.status, byService.text).toBe(200);
          expect(byService.body).toEqual({ [name]: [USER], views: [1] });
        }
      }
    };
    await readAll(server);
    expect((await server.call('GET', '/metrics')).status).toBe(200);
    expect((await server.call('GET', `${R}/services/`)).body.map((x: { name: string }) => x.name)).toEqual(expect.arrayContaining([...NAMES]));

    await server.close();
    servers.splice(servers.indexOf(server), 1);
    server = await start(dataDir);
    for (const [url, body] of before) expect((await server.call('GET', url)).body, url).toEqual(body);
    await readAll(server);
    expectPrototypeUntouched();
  });

  it('are deleted as any other name, and deleting an identifier of such a key answers', async () => {
    const server = await start(tempDataDir('signalbox-hostile-delete-'));
    for (const [i, name] of NAMES.entries()) {
      const d = definitions(name, i);
      for (const [collection, body] of [['attribute_keys', d.key], ['attribute_groups', { ...d.group, is_published: false }], ['services', d.service]] as const) {
        expect((await server.call('POST', `${R}/${collection}/`, body)).status).toBe(200);
      }
    }
    for (const name of NAMES) {
      const forgotten = await server.call('DELETE', `/api/v1/${name}/${USER}`);
      expect(forgotten.status, forgotten.text).toBe(200);
      expect(forgotten.body.keys_found).toBe(false);
      expect((await server.call('DELETE', items(name).service)).body).toEqual({ ok: true });
      expect((await server.call('DELETE', items(name).group)).body).toEqual({ ok: true });
      expect((await server.call('DELETE', items(name).key)).body).toEqual({ ok: true });
      for (const url of Object.values(items(name))) expect((await server.call('GET', url)).status).toBe(404);
    }
    expect((await server.call('GET', `${R}/services/`)).body).toEqual([]);
    expect((await server.call('GET', '/metrics')).status).toBe(200);
    expectPrototypeUntouched();
  });
});
