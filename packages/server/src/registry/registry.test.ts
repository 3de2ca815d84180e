/**
 * The registry's rules over a real store (design §4 "Registry store"): what is acknowledged is
 * durable and what failed left nothing, concurrent writes are checked one after another, and a
 * second handle on the same storage (another node) follows each commit. The route-level rules
 * and messages are pinned by packages/tests/src/api.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttributeGroup, RuleIntervention } from '@signalbox/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileRegistryStore } from './file-registry-store.js';
import { Registry } from './registry.js';
import type { RegistryStore } from './registry-store.js';

const TTL = 7 * 86400;
const shopper = (version: number, is_published = true) => AttributeGroup.parse({
  name: 'shopper', version, attribute_key: { name: 'domain_userid' }, is_published,
  attributes: [{ name: 'views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] }],
});
const bigViews = RuleIntervention.parse({ name: 'many_views', version: 1, is_published: true, criteria: { all: [{ attribute: 'shopper:views', operator: '>', value: 3 }] } });

describe('Registry over a file store', () => {
  let dir: string;
  const opened: Array<{ store: RegistryStore; registry: Registry }> = [];
  const open = async () => {
    const store = await FileRegistryStore.open(dir);
    const registry = await Registry.open(store, TTL);
    opened.push({ store, registry });
    return registry;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'signalbox-registry-rules-'));
  });
  afterEach(async () => {
    for (const { store, registry } of opened.splice(0)) {
      registry.close();
      await store.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const restart = async () => {
    for (const { store, registry } of opened.splice(0)) {
      registry.close();
      await store.close();
    }
    return open();
  };

  it('what a write resolved with is there after a restart', async () => {
    const registry = await open();
    await registry.createGroup(shopper(1));
    await registry.createIntervention(bigViews);
    const again = await restart();
    expect(again.getGroup('shopper', 1).is_published).toBe(true);
    expect(again.publishedInterventions().map((i) => i.name)).toEqual(['many_views']);
  });

  it('unpublishing a group unpublishes the interventions that relied on it, all in one commit', async () => {
    const registry = await open();
    await registry.createGroup(shopper(1));
    await registry.createIntervention(bigViews);
    const changes: string[] = [];
    registry.onChange(() => void changes.push(registry.publishedInterventions().map((i) => i.name).join() || 'none'));
    expect(await registry.setPublished({ attribute_groups: [{ name: 'shopper', version: 1 }] }, false)).toBe(2);
    expect(changes).toEqual(['none']);
    const again = await restart();
    expect(again.getGroup('shopper', 1).is_published).toBe(false);
    expect(again.getIntervention('many_views', 1).is_published).toBe(false);
  });

  it('a request that fails half way changes nothing, in memory or on disk', async () => {
    const registry = await open();
    await registry.createGroup(shopper(1));
    await registry.createIntervention(bigViews);
    const unpublish = registry.setPublished({ attribute_groups: [{ name: 'shopper', version: 1 }], services: [{ name: 'missing' }] }, false);
    await expect(unpublish).rejects.toThrow('service "missing" not found');
    expect(registry.getGroup('shopper', 1).is_published).toBe(true);
    expect(registry.getIntervention('many_views', 1).is_published).toBe(true);
    expect((await restart()).getIntervention('many_views', 1).is_published).toBe(true);
  });

  it('a write the store cannot make durable is refused and not shown', async () => {
    const registry = await open();
    await registry.createGroup(shopper(1));
    rmSync(dir, { recursive: true, force: true }); // the disk is gone: nothing can be committed
    await expect(registry.createGroup(shopper(2))).rejects.toThrow(/ENOENT/);
    expect(registry.findGroup('shopper', 2)).toBeUndefined();
    expect(registry.listGroups().map((g) => g.version)).toEqual([1]);
  });

  it('concurrent writes are checked one after another: of two POSTs of one version, one wins', async () => {
    const registry = await open();
    const results = await Promise.allSettled([registry.createGroup(shopper(1)), registry.createGroup(shopper(1, false))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('attribute group "shopper" version 1 already exists');
    expect(registry.getGroup('shopper', 1).is_published).toBe(true);
  });

  it('another handle on the same storage follows each commit and checks its own writes against it', async () => {
    const a = await open();
    const b = await open();
    const heard = vi.fn();
    b.onChange(heard);
    await a.createGroup(shopper(1));
    await vi.waitFor(() => expect(b.findGroup('shopper', 1)).toBeDefined());
    expect(heard).toHaveBeenCalled();
    expect(b.streamView()).toEqual(a.streamView());
    expect(b.revision).toBe(a.revision);
    // B refuses what A's commit made invalid, and A sees what B wrote.
    await expect(b.createGroup(shopper(1))).rejects.toThrow('already exists');
    await b.createIntervention(bigViews);
    await vi.waitFor(() => expect(a.publishedInterventions().map((i) => i.name)).toEqual(['many_views']));
  });
});
