/**
 * The file registry store against the Registry store conformance suite (design §4), and the
 * `registry.json` of data dirs written before the store existed, which must load unchanged.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { registryStoreConformance } from './conformance.js';
import { FileRegistryStore } from './file-registry-store.js';
import { Registry } from './registry.js';

registryStoreConformance('file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signalbox-registry-'));
  return { open: () => FileRegistryStore.open(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
});

/**
 * A registry.json as the version before the registry store wrote it: no revision, no API keys,
 * versions as object keys, and a group named `__proto__` (written as text: an object literal
 * would make that the prototype).
 */
const LEGACY = `{
 "attribute_keys": {"shopper_id": {"name": "shopper_id", "is_published": false, "property": {"type": "atomic", "name": "user_id"}}},
 "attribute_groups": {
  "__proto__": {"1": {"name": "__proto__", "version": 1, "is_published": false, "online": true, "offline": false, "attribute_key": {"name": "user_id"}, "attributes": []}},
  "shopper": {
   "1": {"name": "shopper", "version": 1, "is_published": true, "online": true, "offline": false, "attribute_key": {"name": "shopper_id"},
         "attributes": [{"name": "views", "type": "int32", "aggregation": "counter", "events": [{"name": "page_view"}]}]},
   "2": {"name": "shopper", "version": 2, "is_published": false, "online": true, "offline": false, "attribute_key": {"name": "shopper_id"}, "attributes": []}
  }
 },
 "services": {"website": {"name": "website", "is_published": true, "attribute_groups": [{"name": "shopper", "version": 1}]}},
 "interventions": {}
}`;

describe('registry.json of an existing data dir', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads unchanged, and a write keeps every definition with the revision added', async () => {
    dir = mkdtempSync(join(tmpdir(), 'signalbox-registry-legacy-'));
    writeFileSync(join(dir, 'registry.json'), LEGACY);
    const before = JSON.parse(LEGACY);

    const store = await FileRegistryStore.open(dir);
    const registry = await Registry.open(store, 604800);
    expect(await store.revision()).toBe(0);
    expect(registry.listGroups().map((g) => `${g.name} v${g.version}`)).toEqual(['__proto__ v1', 'shopper v1', 'shopper v2']);
    expect(registry.getService('website').attribute_groups).toEqual([{ name: 'shopper', version: 1 }]);
    expect(registry.streamView().map((a) => [a.attribute_key_name, a.source_groups]))
      .toEqual([['shopper_id', [{ name: 'shopper', version: 1, attribute_name: 'views' }]]]);

    await registry.putService('website', { name: 'website', description: undefined, owner: undefined, is_published: true, attribute_groups: [{ name: 'shopper', version: 2 }] });
    registry.close();
    await store.close();
    const written = JSON.parse(readFileSync(join(dir, 'registry.json'), 'utf8'));
    expect(written.revision).toBe(1);
    expect(Object.keys(written.attribute_groups)).toEqual(['__proto__', 'shopper']);
    expect(written.attribute_groups['__proto__']).toEqual(before.attribute_groups['__proto__']);
    expect(written.attribute_groups.shopper).toEqual(before.attribute_groups.shopper);
    expect(written.attribute_keys).toEqual(before.attribute_keys);
    expect(written.services.website.attribute_groups).toEqual([{ name: 'shopper', version: 2 }]);
    expect(written.api_keys).toEqual({});
  });
});
