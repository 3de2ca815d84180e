/**
 * The embedded Profiles Store against the contract's conformance suite (design §4), plus what
 * only the embedded store has: sweeping, snapshot images, and images from before dedupe was per
 * identifier.
 */
import { applyEvent, readValue } from '@signalbox/core/internal';
import { describe, expect, it } from 'vitest';
import { inWorkingSet, profilesStoreConformance } from './conformance.js';
import { MemoryProfilesStore, type MemoryStoreImage } from './memory-store.js';

profilesStoreConformance('memory', () => new MemoryProfilesStore());

describe('MemoryProfilesStore (embedded only)', () => {
  const NOW = Date.UTC(2026, 0, 1);
  const spec = { aggregation: 'counter' as const, window: undefined, ttlMs: 60_000 };
  const refs = [{ keyName: 'k', id: 'u1' }];
  /** Count one event for u1 unless it consumed it; true when it counted. */
  const count = (store: MemoryProfilesStore, eventId: string, now = NOW) =>
    inWorkingSet(store, refs, now, ([r]) => {
      if (r!.hasConsumed(eventId)) return false;
      r!.consume(eventId);
      r!.setState('h', applyEvent(spec, r!.state('h'), null, now, now)!);
      return true;
    });
  const valueOf = async (store: MemoryProfilesStore, now = NOW) => {
    const state = (await store.read('k', ['u1'], [{ hash: 'h', spec }], now))[0]![0];
    return state ? readValue(spec, state, now) : undefined;
  };

  it('sweeping removes expired state and markers and forgets consumed events past the horizon', async () => {
    const store = new MemoryProfilesStore(3_600_000);
    await count(store, 'e1');
    await inWorkingSet(store, refs, NOW, ([r]) => r!.setMarker('m', NOW + 60_000));
    expect(store.stats()).toEqual({ identifiers: 1, processedEvents: 1 });
    // State and marker expired, but the event is remembered for the horizon: the profile stays.
    store.sweep(NOW + 120_000, new Map([['h', spec]]));
    expect(store.stats()).toEqual({ identifiers: 1, processedEvents: 1 });
    expect(await count(store, 'e1', NOW + 120_000)).toBe(false);
    store.sweep(NOW + 3_600_000, new Map([['h', spec]]));
    expect(store.stats()).toEqual({ identifiers: 0, processedEvents: 0 });
    // Forgotten past the horizon: the same event id counts again.
    expect(await count(store, 'e1', NOW + 3_600_000)).toBe(true);
  });

  it('forgets consumed events oldest first, each a horizon after it was processed, across an image', async () => {
    const store = new MemoryProfilesStore(3_600_000);
    await count(store, 'e1');
    await count(store, 'e2', NOW + 1_800_000);
    await count(store, 'e3', NOW + 1_800_000);
    await count(store, 'e4', NOW + 3_000_000);
    store.sweep(NOW + 3_600_000, new Map());
    expect(store.stats().processedEvents).toBe(3);
    const copy = new MemoryProfilesStore(3_600_000);
    copy.restore(structuredClone(store.image()));
    copy.sweep(NOW + 5_400_000, new Map());
    expect(copy.stats().processedEvents).toBe(1);
    expect(await count(copy, 'e3', NOW + 5_400_000)).toBe(true);
    expect(await count(copy, 'e4', NOW + 5_400_000)).toBe(false);
  });

  it('an image restores the same state, consumed events included', async () => {
    const store = new MemoryProfilesStore();
    await count(store, 'e1');
    await count(store, 'e2');
    const copy = new MemoryProfilesStore();
    copy.restore(structuredClone(store.image()));
    expect(await count(copy, 'e2')).toBe(false);
    expect(await count(copy, 'e3')).toBe(true);
    expect(await valueOf(copy)).toBe(3);
  });

  it('restores an image written before dedupe was per identifier: its events stay consumed everywhere', async () => {
    const formatOne: MemoryStoreImage = {
      hashes: ['h'],
      profiles: new Map([['k\u0001u1', [[NOW, 0, 2]]]]), // slot 0: [updatedAt, tile start, count]
      processed: new Map([['e1', Math.floor(NOW / 1000)]]),
      markers: new Map([['k\u0001u2', new Map([['m', NOW + 1000]])]]),
    };
    const store = new MemoryProfilesStore();
    store.restore(formatOne);
    expect(await valueOf(store)).toBe(2);
    expect(await count(store, 'e1')).toBe(false);
    expect(await inWorkingSet(store, [{ keyName: 'k', id: 'u2' }], NOW, ([r]) => [r!.hasConsumed('e1'), r!.markerExpiry('m')])).toEqual([true, NOW + 1000]);
  });
});
