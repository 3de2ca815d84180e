/**
 * The Profiles Store conformance suite (design §4): what every implementation of the contract in
 * profiles-store.ts must do, the embedded one included. A new backend adds one test file:
 *
 *     profilesStoreConformance('redis', () => new RedisProfilesStore({ prefix: uniquePrefix() }));
 *
 * `factory` is called for every test and must return an empty store of its own (its own key
 * prefix, database or directory); `teardown` releases it. Expected values come from
 * @signalbox/core's aggregation functions, the one implementation of the semantics, applied to
 * the same events; a few are also spelled out so the suite fails when core and store both drift.
 */
import {
  AGGREGATIONS,
  type Aggregation,
  type AggregationSpec,
  type AttributeState,
  acceptValue,
  applyEvent,
  readValue,
  windowFor,
} from '@signalbox/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttributeUpdate, IdentifierUpdate, ProfilesStore } from './profiles-store.js';

export type ProfilesStoreFactory = () => ProfilesStore | Promise<ProfilesStore>;

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const DAY = 24 * 3600 * 1000;
const KEY = 'domain_userid';

const lifetime = (aggregation: Aggregation, ttlMs = 7 * DAY): AggregationSpec => ({ aggregation, window: undefined, ttlMs });
const windowed = (aggregation: Aggregation, periodSeconds: number, ttlMs = 7 * DAY): AggregationSpec => ({ aggregation, window: windowFor(periodSeconds), ttlMs });

/** Values of mixed kinds; `acceptValue` keeps what each aggregation accepts, as the engine does. */
const SAMPLE: unknown[] = [3, '7.5', 'blue', -2, 'red', 3, 10, 'blue', 0.1, 0.2];

/** One event id per update, each value at its own time one second apart. */
function updatesFor(hash: string, spec: AggregationSpec, values: readonly unknown[], start: number): Array<{ eventId: string; update: AttributeUpdate }> {
  const out: Array<{ eventId: string; update: AttributeUpdate }> = [];
  values.forEach((raw, i) => {
    const value = spec.aggregation === 'counter' ? null : acceptValue(spec.aggregation, raw);
    if (value === undefined || typeof value === 'symbol') return;
    out.push({ eventId: `${hash}-e${i}`, update: { hash, spec, value, time: start + i * 1000 } });
  });
  return out;
}

/** What core computes for the same updates, read at `readAt`. */
function expected(spec: AggregationSpec, updates: ReadonlyArray<{ update: AttributeUpdate }>, now: number, readAt: number): unknown {
  let state: AttributeState | undefined;
  for (const { update } of updates) state = applyEvent(spec, state, update.value, update.time, now) ?? state;
  return state ? readValue(spec, state, readAt) : undefined;
}

function identifierUpdate(id: string, events: Array<{ eventId: string; update: AttributeUpdate }>, keyName = KEY): IdentifierUpdate {
  return { keyName, id, events: events.map((e) => ({ eventId: e.eventId, updates: [e.update] })) };
}

export function profilesStoreConformance(name: string, factory: ProfilesStoreFactory, teardown?: (store: ProfilesStore) => void | Promise<void>): void {
  describe(`Profiles Store conformance: ${name}`, () => {
    let store: ProfilesStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await teardown?.(store);
    });

    /** The value of one attribute of one identifier at `now`, through the store's read. */
    async function valueOf(id: string, hash: string, spec: AggregationSpec, now: number, keyName = KEY): Promise<unknown> {
      const [[state]] = (await store.read([{ keyName, id, attributes: [{ hash, spec }] }], now)) as [[AttributeState | undefined]];
      return state ? readValue(spec, state, now) : undefined;
    }

    const counter = lifetime('counter');
    const count = (eventId: string, time = NOW): AttributeUpdate & { eventId: string } => ({ eventId, hash: 'h-count', spec: counter, value: null, time });
    const once = (id: string, ...eventIds: string[]): IdentifierUpdate => ({
      keyName: KEY,
      id,
      events: eventIds.map((eventId) => ({ eventId, updates: [count(eventId)] })),
    });

    describe('apply and read', () => {
      for (const aggregation of AGGREGATIONS) {
        it(`${aggregation}: lifetime and windowed values equal core's`, async () => {
          for (const [hash, spec] of [[`${aggregation}-life`, lifetime(aggregation)], [`${aggregation}-1m`, windowed(aggregation, 60)]] as const) {
            const updates = updatesFor(hash, spec, SAMPLE, NOW - 20_000);
            await store.apply([identifierUpdate('u1', updates)], NOW);
            expect(await valueOf('u1', hash, spec, NOW)).toEqual(expected(spec, updates, NOW, NOW));
          }
        });
      }

      it('spelled out: counter, sum, mean, min, max, first, last, unique_list', async () => {
        const want: Record<Aggregation, unknown> = {
          counter: 10, sum: 21.8, mean: 21.8 / 7, min: -2, max: 10, first: 3, last: 0.2, unique_list: ['7.5', -2, 'red', 3, 10, 'blue', 0.1, 0.2],
        };
        for (const aggregation of AGGREGATIONS) {
          const spec = lifetime(aggregation);
          await store.apply([identifierUpdate('u1', updatesFor(aggregation, spec, SAMPLE, NOW - 20_000))], NOW);
          const got = await valueOf('u1', aggregation, spec, NOW);
          if (typeof want[aggregation] === 'number') expect(got).toBeCloseTo(want[aggregation] as number, 9);
          else expect(got).toEqual(want[aggregation]);
        }
      });

      it('reads many identifiers and definitions in one call, aligned with the request', async () => {
        const sum = lifetime('sum');
        await store.apply([
          { keyName: KEY, id: 'a', events: [{ eventId: 'e1', updates: [count('e1'), { hash: 'h-sum', spec: sum, value: 5, time: NOW }] }] },
          { keyName: KEY, id: 'b', events: [{ eventId: 'e2', updates: [count('e2')] }] },
        ], NOW);
        const attributes = [{ hash: 'h-sum', spec: sum }, { hash: 'h-count', spec: counter }, { hash: 'h-unknown', spec: counter }];
        const states = await store.read(['b', 'nobody', 'a'].map((id) => ({ keyName: KEY, id, attributes })), NOW);
        const values = states.map((row) => row.map((s, i) => (s ? readValue(attributes[i]!.spec, s, NOW) : undefined)));
        expect(values).toEqual([[undefined, 1, undefined], [undefined, undefined, undefined], [5, 1, undefined]]);
      });

      it('keeps attribute keys apart: the same identifier under two keys is two profiles', async () => {
        await store.apply([once('same', 'e1'), { ...once('same', 'e2', 'e3'), keyName: 'user_id' }], NOW);
        expect(await valueOf('same', 'h-count', counter, NOW)).toBe(1);
        expect(await valueOf('same', 'h-count', counter, NOW, 'user_id')).toBe(2);
      });
    });

    describe('windows', () => {
      it('slide with now: events leave the window as time passes, a late event is refused', async () => {
        const spec = windowed('counter', 60);
        const at = (eventId: string, time: number) => ({ eventId, updates: [{ hash: 'w', spec, value: null, time }] });
        const result = await store.apply([{ keyName: KEY, id: 'u1', events: [at('old', NOW - 50_000), at('new', NOW - 10_000), at('late', NOW - 120_000)] }], NOW);
        expect(result.outcomes).toEqual([[[true], [true], [false]]]);
        expect(await valueOf('u1', 'w', spec, NOW)).toBe(2);
        // At +15 s the tile of `old` (60 s + one 1 s tile ago) has left the window.
        expect(await valueOf('u1', 'w', spec, NOW + 15_000)).toBe(1);
        expect(await valueOf('u1', 'w', spec, NOW + 60_000)).toBeUndefined();
      });
    });

    describe('dedupe per identifier', () => {
      it('applies an event id once when it comes twice in one batch', async () => {
        const result = await store.apply([once('u1', 'e1', 'e1')], NOW);
        expect(result.outcomes).toEqual([[[true], null]]);
        expect(await valueOf('u1', 'h-count', counter, NOW)).toBe(1);
      });

      it('applies an event id once across batches', async () => {
        await store.apply([once('u1', 'e1')], NOW);
        const again = await store.apply([once('u1', 'e1', 'e2')], NOW + 1000);
        expect(again.outcomes).toEqual([[null, [true]]]);
        expect(await valueOf('u1', 'h-count', counter, NOW + 1000)).toBe(2);
      });

      it('counts the same event id once for each identifier it updates', async () => {
        const result = await store.apply([once('u1', 'e1'), once('u2', 'e1'), { ...once('u1', 'e1'), keyName: 'user_id' }], NOW);
        expect(result.outcomes).toEqual([[[true]], [[true]], [[true]]]);
        await store.apply([once('u2', 'e1')], NOW);
        expect(await valueOf('u1', 'h-count', counter, NOW)).toBe(1);
        expect(await valueOf('u2', 'h-count', counter, NOW)).toBe(1);
        expect(await valueOf('u1', 'h-count', counter, NOW, 'user_id')).toBe(1);
      });

      it('a duplicate changes nothing, not even the TTL timer', async () => {
        const short = lifetime('counter', 10_000);
        const update = (t: number): IdentifierUpdate => ({ keyName: KEY, id: 'u1', events: [{ eventId: 'e1', updates: [{ hash: 's', spec: short, value: null, time: t }] }] });
        await store.apply([update(NOW)], NOW);
        await store.apply([update(NOW + 8000)], NOW + 8000);
        expect(await valueOf('u1', 's', short, NOW + 10_000)).toBeUndefined();
      });
    });

    describe('TTL', () => {
      it('state expires at now = last update + ttl, and the next event starts afresh', async () => {
        const short = lifetime('counter', 10_000);
        const event = (eventId: string, time: number): IdentifierUpdate => ({ keyName: KEY, id: 'u1', events: [{ eventId, updates: [{ hash: 's', spec: short, value: null, time }] }] });
        await store.apply([event('e1', NOW)], NOW);
        await store.apply([event('e2', NOW + 5000)], NOW + 5000);
        expect(await valueOf('u1', 's', short, NOW + 14_999)).toBe(2);
        expect(await valueOf('u1', 's', short, NOW + 15_000)).toBeUndefined();
        await store.apply([event('e3', NOW + 20_000)], NOW + 20_000);
        expect(await valueOf('u1', 's', short, NOW + 20_000)).toBe(1);
      });
    });

    describe('intervention markers', () => {
      it('of many concurrent claims exactly one wins', async () => {
        const claims = await Promise.all(Array.from({ length: 25 }, () => store.claim(KEY, 'u1', 'engaged:1', NOW + 60_000, NOW)));
        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await store.claim(KEY, 'u2', 'engaged:1', NOW + 60_000, NOW)).toBe(true);
        expect(await store.claim(KEY, 'u1', 'engaged:2', NOW + 60_000, NOW)).toBe(true);
      });

      it('a marker can be claimed again once expired; a claim moves its expiry on', async () => {
        expect(await store.claim(KEY, 'u1', 'm', NOW + 10_000, NOW)).toBe(true);
        expect(await store.claim(KEY, 'u1', 'm', NOW + 25_000, NOW + 5000)).toBe(false);
        expect(await store.claim(KEY, 'u1', 'm', NOW + 30_000, NOW + 20_000)).toBe(false);
        expect(await store.claim(KEY, 'u1', 'm', NOW + 40_000, NOW + 30_000)).toBe(true);
      });

      it('renew moves a live marker on and sets none', async () => {
        await store.renew(KEY, 'u1', 'm', NOW + 50_000, NOW);
        expect(await store.claim(KEY, 'u1', 'm', NOW + 10_000, NOW)).toBe(true);
        await store.renew(KEY, 'u1', 'm', NOW + 30_000, NOW + 5000);
        expect(await store.claim(KEY, 'u1', 'm', NOW + 30_000, NOW + 20_000)).toBe(false);
        // Expired markers are not brought back.
        await store.renew(KEY, 'u1', 'm', NOW + 90_000, NOW + 30_000);
        expect(await store.claim(KEY, 'u1', 'm', NOW + 100_000, NOW + 31_000)).toBe(true);
      });
    });

    describe('batch values', () => {
      it('round trip, aligned with the request; an older write is ignored', async () => {
        await store.writeBatchValues([
          { keyName: KEY, id: 'u1', hash: 'ltv', value: 120.5, timestamp: NOW },
          { keyName: KEY, id: 'u1', hash: 'segment', value: 'gold', timestamp: NOW },
          { keyName: KEY, id: 'u2', hash: 'ltv', value: 3, timestamp: NOW },
        ]);
        await store.writeBatchValues([
          { keyName: KEY, id: 'u1', hash: 'ltv', value: 99, timestamp: NOW - 1000 },
          { keyName: KEY, id: 'u2', hash: 'ltv', value: 4, timestamp: NOW + 1000 },
        ]);
        expect(await store.readBatchValues([{ keyName: KEY, id: 'u1', hashes: ['segment', 'ltv', 'none'] }, { keyName: KEY, id: 'u2', hashes: ['ltv'] }, { keyName: 'user_id', id: 'u1', hashes: ['ltv'] }])).toEqual([
          [{ value: 'gold', timestamp: NOW }, { value: 120.5, timestamp: NOW }, undefined],
          [{ value: 4, timestamp: NOW + 1000 }],
          [undefined],
        ]);
      });
    });

    describe('deleting', () => {
      it('deleteIdentifier removes state, markers, dedupe entries and batch values, and only that identifier', async () => {
        await store.apply([once('u1', 'e1'), once('u2', 'e1')], NOW);
        await store.claim(KEY, 'u1', 'm', NOW + DAY, NOW);
        await store.writeBatchValues([{ keyName: KEY, id: 'u1', hash: 'ltv', value: 1, timestamp: NOW }]);
        expect(await store.deleteIdentifier(KEY, 'u1')).toBe(true);
        expect(await store.deleteIdentifier(KEY, 'u1')).toBe(false);
        expect(await store.deleteIdentifier(KEY, 'never-seen')).toBe(false);
        expect(await valueOf('u1', 'h-count', counter, NOW)).toBeUndefined();
        expect(await store.readBatchValues([{ keyName: KEY, id: 'u1', hashes: ['ltv'] }])).toEqual([[undefined]]);
        expect(await store.claim(KEY, 'u1', 'm', NOW + DAY, NOW)).toBe(true);
        // Its dedupe entries went too: the same event counts again for u1 only.
        expect((await store.apply([once('u1', 'e1'), once('u2', 'e1')], NOW)).outcomes).toEqual([[[true]], [null]]);
        expect(await valueOf('u2', 'h-count', counter, NOW)).toBe(1);
      });

      it('deleteIdentifier finds an identifier that holds only a marker or only batch values', async () => {
        await store.claim(KEY, 'm-only', 'm', NOW + DAY, NOW);
        await store.writeBatchValues([{ keyName: KEY, id: 'b-only', hash: 'ltv', value: 1, timestamp: NOW }]);
        expect(await store.deleteIdentifier(KEY, 'm-only')).toBe(true);
        expect(await store.deleteIdentifier(KEY, 'b-only')).toBe(true);
      });

      it('dropDefinitions removes the values of those definitions only', async () => {
        const sum = lifetime('sum');
        await store.apply([{ keyName: KEY, id: 'u1', events: [{ eventId: 'e1', updates: [count('e1'), { hash: 'h-sum', spec: sum, value: 5, time: NOW }] }] }], NOW);
        await store.writeBatchValues([{ keyName: KEY, id: 'u1', hash: 'h-sum', value: 1, timestamp: NOW }, { keyName: KEY, id: 'u1', hash: 'ltv', value: 2, timestamp: NOW }]);
        await store.dropDefinitions(new Set(['h-sum', 'not-stored']));
        expect(await valueOf('u1', 'h-sum', sum, NOW)).toBeUndefined();
        expect(await valueOf('u1', 'h-count', counter, NOW)).toBe(1);
        expect(await store.readBatchValues([{ keyName: KEY, id: 'u1', hashes: ['h-sum', 'ltv'] }])).toEqual([[undefined, { value: 2, timestamp: NOW }]]);
      });
    });

    describe('client-chosen names', () => {
      it('identifiers, keys and event ids like __proto__ are plain data', async () => {
        const names = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', ''];
        for (const id of names) {
          await store.apply([{ keyName: '__proto__', id, events: [{ eventId: '__proto__', updates: [count('__proto__')] }] }], NOW);
          await store.writeBatchValues([{ keyName: '__proto__', id, hash: '__proto__', value: id, timestamp: NOW }]);
          expect(await store.claim('__proto__', id, '__proto__', NOW + DAY, NOW)).toBe(true);
        }
        for (const id of names) {
          expect(await valueOf(id, 'h-count', counter, NOW, '__proto__')).toBe(1);
          expect(await store.readBatchValues([{ keyName: '__proto__', id, hashes: ['__proto__', 'constructor'] }])).toEqual([[{ value: id, timestamp: NOW }, undefined]]);
        }
        expect(await valueOf('__proto__', 'h-count', counter, NOW)).toBeUndefined();
        expect(await store.deleteIdentifier('__proto__', '__proto__')).toBe(true);
        expect(await valueOf('constructor', 'h-count', counter, NOW, '__proto__')).toBe(1);
      });
    });
  });
}
