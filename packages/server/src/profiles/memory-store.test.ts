/**
 * The embedded Profiles Store against the contract's conformance suite (design §4), plus what
 * only the embedded store has: sweeping and snapshot images.
 */
import { describe, expect, it } from 'vitest';
import { profilesStoreConformance } from './conformance.js';
import { MemoryProfilesStore } from './memory-store.js';

profilesStoreConformance('memory', () => new MemoryProfilesStore());

describe('MemoryProfilesStore (embedded only)', () => {
  const NOW = Date.UTC(2026, 0, 1);
  const spec = { aggregation: 'counter' as const, window: undefined, ttlMs: 60_000 };
  const event = (eventId: string) => ({ keyName: 'k', id: 'u1', events: [{ eventId, updates: [{ hash: 'h', spec, value: null, time: NOW }] }] });

  it('sweeping removes expired state and markers and forgets dedupe entries past the horizon', async () => {
    const store = new MemoryProfilesStore(3_600_000);
    await store.apply([event('e1')], NOW);
    await store.claim('k', 'u1', 'm', NOW + 60_000, NOW);
    expect(store.stats()).toEqual({ identifiers: 1, processedEvents: 1 });
    store.sweep(NOW + 3_600_000, new Map([['h', spec]]));
    expect(store.stats()).toEqual({ identifiers: 0, processedEvents: 0 });
    expect(await store.claim('k', 'u1', 'm', NOW + 7_200_000, NOW + 3_600_000)).toBe(true);
    // Forgotten past the horizon: the same event id counts again.
    expect((await store.apply([event('e1')], NOW + 3_600_000)).outcomes).toEqual([[[true]]]);
  });

  it('an image restores the same state, dedupe entries included', async () => {
    const store = new MemoryProfilesStore();
    await store.apply([event('e1'), event('e2')], NOW);
    const copy = new MemoryProfilesStore();
    copy.restore(structuredClone(store.image()));
    expect((await copy.apply([event('e2'), event('e3')], NOW)).outcomes).toEqual([[null], [[true]]]);
    const [states] = await copy.read([{ keyName: 'k', id: 'u1', attributes: [{ hash: 'h', spec }] }], NOW);
    expect(states?.[0]?.[2]).toBe(3); // [updatedAt, tile start, count]
  });
});
