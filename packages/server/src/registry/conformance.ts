/**
 * The Registry store conformance suite (design §4 "Registry store"): what every implementation
 * of registry-store.ts must do. A new backend adds one test file:
 *
 *     registryStoreConformance('postgres', async () => {
 *       const schema = await freshSchema();
 *       return { open: () => PostgresRegistryStore.open({ url, schema }), cleanup: () => dropSchema(schema) };
 *     });
 *
 * `factory` is called for every test and returns a place of its own (a directory, a schema);
 * `open` opens a handle on it and may be called again while others are open (another node) or
 * after every handle was closed (a restart).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RegistryStore } from './registry-store.js';

export interface RegistryStorePlace {
  open(): Promise<RegistryStore> | RegistryStore;
  cleanup?(): Promise<void> | void;
}

const group = (name: string, version: number, extra: Record<string, unknown> = {}) => ({ name, version, is_published: false, ...extra });

export function registryStoreConformance(name: string, factory: () => Promise<RegistryStorePlace> | RegistryStorePlace): void {
  describe(`Registry store conformance: ${name}`, () => {
    let place: RegistryStorePlace;
    const handles: RegistryStore[] = [];
    const open = async () => {
      const store = await place.open();
      handles.push(store);
      return store;
    };
    /** Close every handle, then open one again: what a restart sees. */
    const reopen = async () => {
      for (const s of handles.splice(0)) await s.close();
      return open();
    };
    beforeEach(async () => {
      place = await factory();
    });
    afterEach(async () => {
      for (const s of handles.splice(0)) await s.close().catch(() => undefined);
      await place.cleanup?.();
    });

    it('starts empty at revision 0', async () => {
      const store = await open();
      expect(await store.revision()).toBe(0);
      expect(await store.list('attribute_groups')).toEqual([]);
      expect(await store.get('services', 'website')).toBeUndefined();
    });

    it('keeps rows of named and versioned collections apart, and reads back what was put', async () => {
      const store = await open();
      const key = { name: 'shopper_id', property: { type: 'atomic', name: 'user_id' }, nested: { list: [1, 'two', null, { deep: true }] } };
      await store.transaction((tx) => {
        tx.put('attribute_keys', 'shopper_id', undefined, key);
        tx.put('attribute_groups', 'shopper', 1, group('shopper', 1));
        tx.put('attribute_groups', 'shopper', 2, group('shopper', 2));
        tx.put('interventions', 'shopper', 1, { name: 'shopper', version: 1, kind: 'intervention' });
      });
      expect(await store.get('attribute_keys', 'shopper_id')).toEqual(key);
      expect(await store.get('attribute_groups', 'shopper', 1)).toEqual(group('shopper', 1));
      expect(await store.get('attribute_groups', 'shopper', 2)).toEqual(group('shopper', 2));
      expect(await store.get('attribute_groups', 'shopper', 3)).toBeUndefined();
      expect(await store.get('interventions', 'shopper', 1)).toEqual({ name: 'shopper', version: 1, kind: 'intervention' });
      expect(await store.get('services', 'shopper_id')).toBeUndefined();
      expect(await store.list('attribute_groups')).toEqual([
        { collection: 'attribute_groups', name: 'shopper', version: 1, value: group('shopper', 1) },
        { collection: 'attribute_groups', name: 'shopper', version: 2, value: group('shopper', 2) },
      ]);
      expect(await store.list('attribute_keys')).toEqual([{ collection: 'attribute_keys', name: 'shopper_id', value: key }]);
    });

    it('a put replaces the row of the same id; a delete removes only its row', async () => {
      const store = await open();
      await store.transaction((tx) => {
        tx.put('attribute_groups', 'g', 1, group('g', 1, { description: 'first' }));
        tx.put('attribute_groups', 'g', 2, group('g', 2));
        tx.put('services', 's', undefined, { name: 's', attribute_groups: [] });
      });
      await store.transaction((tx) => tx.put('attribute_groups', 'g', 1, group('g', 1, { description: 'second' })));
      expect(await store.get('attribute_groups', 'g', 1)).toEqual(group('g', 1, { description: 'second' }));
      await store.transaction((tx) => {
        tx.delete('attribute_groups', 'g', 1);
        tx.delete('services', 'absent'); // deleting what is not there is no error
      });
      expect((await store.list('attribute_groups')).map((r) => [r.name, r.version])).toEqual([['g', 2]]);
      expect(await store.get('services', 's')).toEqual({ name: 's', attribute_groups: [] });
    });

    it('lists by name in code-unit order, then by version as a number', async () => {
      const store = await open();
      const rows: Array<[string, number]> = [['b', 10], ['a', 2], ['B', 1], ['b', 9], ['a', 1], ['ä', 1], ['a_b', 1], ['b', 1]];
      await store.transaction((tx) => {
        for (const [n, v] of rows) tx.put('interventions', n, v, { name: n, version: v });
      });
      expect((await store.list('interventions')).map((r) => `${r.name}@${r.version}`)).toEqual(
        ['B@1', 'a@1', 'a@2', 'a_b@1', 'b@1', 'b@9', 'b@10', 'ä@1'],
      );
    });

    it('a transaction reads its own writes, and others see them only once it committed', async () => {
      const store = await open();
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let seenInside: unknown;
      const committing = store.transaction(async (tx) => {
        tx.put('services', 'website', undefined, { name: 'website' });
        seenInside = await tx.get('services', 'website');
        expect((await tx.list('services')).map((r) => r.name)).toEqual(['website']);
        await held;
      });
      await Promise.resolve();
      expect(await store.get('services', 'website')).toBeUndefined();
      release();
      await committing;
      expect(seenInside).toEqual({ name: 'website' });
      expect(await store.get('services', 'website')).toEqual({ name: 'website' });
    });

    it('a transaction that throws leaves nothing of what it wrote, and its error reaches the caller', async () => {
      const store = await open();
      await store.transaction((tx) => tx.put('attribute_groups', 'shopper', 1, group('shopper', 1)));
      const failed = store.transaction(async (tx) => {
        tx.put('attribute_groups', 'shopper', 1, group('shopper', 1, { is_published: true }));
        tx.put('interventions', 'big_cart', 1, { name: 'big_cart', version: 1 });
        tx.delete('attribute_groups', 'shopper', 1);
        await Promise.resolve();
        throw new Error('refused half way');
      });
      await expect(failed).rejects.toThrow('refused half way');
      expect(await store.get('attribute_groups', 'shopper', 1)).toEqual(group('shopper', 1));
      expect(await store.list('interventions')).toEqual([]);
      await expect((await reopen()).get('attribute_groups', 'shopper', 1)).resolves.toEqual(group('shopper', 1));
    });

    it('the revision increases with each committed transaction that wrote, not for a failed or empty one', async () => {
      const store = await open();
      const start = await store.revision();
      const first = await store.transaction((tx) => {
        tx.put('services', 'a', undefined, { name: 'a' });
        tx.put('services', 'b', undefined, { name: 'b' });
        return 'answer';
      });
      expect(first.result).toBe('answer');
      expect(first.revision).toBeGreaterThan(start);
      expect(await store.revision()).toBe(first.revision);
      await expect(store.transaction((tx) => {
        tx.put('services', 'c', undefined, { name: 'c' });
        throw new Error('no');
      })).rejects.toThrow('no');
      expect(await store.revision()).toBe(first.revision);
      const readOnly = await store.transaction(async (tx) => {
        expect(tx.revision).toBe(first.revision);
        return (await tx.list('services')).length;
      });
      expect(readOnly).toEqual({ result: 2, revision: first.revision });
      const second = await store.transaction((tx) => tx.delete('services', 'a'));
      expect(second.revision).toBeGreaterThan(first.revision);
      expect(await (await reopen()).revision()).toBe(second.revision);
    });

    it('transactions run one after another: each reads what the one before committed', async () => {
      const store = await open();
      await store.transaction((tx) => tx.put('api_keys', 'counter', undefined, { n: 0 }));
      const increment = () => store.transaction(async (tx) => {
        const { n } = (await tx.get('api_keys', 'counter')) as { n: number };
        await Promise.resolve();
        tx.put('api_keys', 'counter', undefined, { n: n + 1 });
      });
      await Promise.all(Array.from({ length: 10 }, increment));
      expect(await store.get('api_keys', 'counter')).toEqual({ n: 10 });
    });

    it('watch tells every handle on the same storage of each committed revision', async () => {
      const writer = await open();
      const other = await open();
      const heardByOther: number[] = [];
      const heardByWriter: number[] = [];
      const stop = other.watch((revision) => heardByOther.push(revision));
      writer.watch((revision) => heardByWriter.push(revision));
      const { revision } = await writer.transaction((tx) => tx.put('attribute_keys', 'k', undefined, { name: 'k' }));
      await vi.waitFor(() => expect(heardByOther).toContain(revision));
      await vi.waitFor(() => expect(heardByWriter).toContain(revision));
      expect(await other.get('attribute_keys', 'k')).toEqual({ name: 'k' });
      expect(await other.revision()).toBe(revision);

      stop();
      const later = await writer.transaction((tx) => tx.put('attribute_keys', 'k2', undefined, { name: 'k2' }));
      await vi.waitFor(() => expect(heardByWriter).toContain(later.revision));
      expect(heardByOther).not.toContain(later.revision);
    });

    it('what was committed survives closing every handle and opening again', async () => {
      const store = await open();
      await store.transaction((tx) => {
        tx.put('attribute_keys', 'shopper_id', undefined, { name: 'shopper_id', ttl: 'P30D' });
        tx.put('attribute_groups', 'shopper', 3, group('shopper', 3, { attributes: [{ name: 'views' }] }));
        tx.put('api_keys', 'admin', undefined, { sha256: 'ab'.repeat(32) });
      });
      const { revision } = await store.transaction((tx) => tx.delete('attribute_keys', 'shopper_id'));
      const again = await reopen();
      expect(await again.revision()).toBe(revision);
      expect(await again.get('attribute_keys', 'shopper_id')).toBeUndefined();
      expect(await again.get('attribute_groups', 'shopper', 3)).toEqual(group('shopper', 3, { attributes: [{ name: 'views' }] }));
      expect(await again.get('api_keys', 'admin')).toEqual({ sha256: 'ab'.repeat(32) });
    });

    it('keeps names such as __proto__ and constructor as data, in every collection', async () => {
      const store = await open();
      const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
      await store.transaction((tx) => {
        for (const n of names) {
          tx.put('attribute_keys', n, undefined, { name: n });
          tx.put('services', n, undefined, { name: n, attribute_groups: [{ name: n, version: 1 }] });
          tx.put('attribute_groups', n, 1, group(n, 1));
          tx.put('interventions', n, 7, { name: n, version: 7 });
        }
      });
      for (const s of [store, await reopen()]) {
        expect((await s.list('attribute_keys')).map((r) => r.name)).toEqual([...names].sort());
        expect(await s.get('services', '__proto__')).toEqual({ name: '__proto__', attribute_groups: [{ name: '__proto__', version: 1 }] });
        expect(await s.get('attribute_groups', 'constructor', 1)).toEqual(group('constructor', 1));
        expect(await s.get('interventions', '__proto__', 7)).toEqual({ name: '__proto__', version: 7 });
        expect(await s.get('attribute_keys', 'valueOf')).toBeUndefined();
      }
      expect(Object.keys(Object.prototype)).toEqual([]);
    });

    it('hands out copies: changing a value read or put does not change what is stored', async () => {
      const store = await open();
      const value = { name: 'g', version: 1, attributes: [{ name: 'a' }] };
      await store.transaction((tx) => tx.put('attribute_groups', 'g', 1, value));
      value.attributes.push({ name: 'b' });
      const read = (await store.get('attribute_groups', 'g', 1)) as typeof value;
      read.attributes.push({ name: 'c' });
      expect(await store.get('attribute_groups', 'g', 1)).toEqual({ name: 'g', version: 1, attributes: [{ name: 'a' }] });
    });
  });
}
