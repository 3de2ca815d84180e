/**
 * The Profiles Store conformance suite (design §4 "Profiles Store"): what every implementation of
 * the contract in profiles-store.ts must do, the embedded one included. A new backend adds one
 * test file:
 *
 *     profilesStoreConformance('redis', () => RedisProfilesStore.open({ prefix: uniquePrefix() }), (s) => s.close());
 *
 * `factory` is called for every test and must return an empty store of its own (its own key
 * prefix, database or directory); `teardown` releases it. Expected values come from
 * @signalbox/core's aggregation functions, the one implementation of the semantics, folded over
 * the same events; a few are also spelled out so the suite fails when core and store both drift.
 */
import { AGGREGATIONS, type Aggregation, type AggregationSpec } from '@signalbox/core';
import { type AttributeState, acceptValue, applyEvent, readValue, windowFor } from '@signalbox/core/internal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ProfileRecord, type ProfileRef, type ProfilesStore, ProfilesConflictError } from './profiles-store.js';

export type ProfilesStoreFactory = () => ProfilesStore | Promise<ProfilesStore>;

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const DAY = 24 * 3600 * 1000;
const KEY = 'domain_userid';

const lifetime = (aggregation: Aggregation, ttlMs = 7 * DAY): AggregationSpec => ({ aggregation, window: undefined, ttlMs });
const windowed = (aggregation: Aggregation, periodSeconds: number, ttlMs = 7 * DAY): AggregationSpec => ({ aggregation, window: windowFor(periodSeconds), ttlMs });

/** Values of mixed kinds; `acceptValue` keeps what each aggregation accepts, as the engine does. */
const SAMPLE: unknown[] = [3, '7.5', 'blue', -2, 'red', 3, 10, 'blue', 0.1, 0.2];

/** One value of one event for one definition. */
interface Update {
  eventId: string;
  hash: string;
  spec: AggregationSpec;
  value: unknown;
  time: number;
}

function updatesFor(hash: string, spec: AggregationSpec, values: readonly unknown[], start: number): Update[] {
  const out: Update[] = [];
  values.forEach((raw, i) => {
    const value = spec.aggregation === 'counter' ? null : acceptValue(spec.aggregation, raw);
    if (value === undefined || typeof value === 'symbol') return;
    out.push({ eventId: `${hash}-e${i}`, hash, spec, value, time: start + i * 1000 });
  });
  return out;
}

/** What core computes for the same updates, read at `readAt`. */
function expected(updates: readonly Update[], now: number, readAt: number): unknown {
  let state: AttributeState | undefined;
  for (const u of updates) state = applyEvent(u.spec, state, u.value, u.time, now) ?? state;
  return state ? readValue(updates[0]!.spec, state, readAt) : undefined;
}

/**
 * Run `work` in a working set and commit it, again from `load` when the commit loses a race —
 * what the stream engine does. Returns what `work` returned in the attempt that committed.
 */
export async function inWorkingSet<T>(store: ProfilesStore, refs: readonly ProfileRef[], now: number, work: (records: readonly ProfileRecord[]) => T): Promise<T> {
  for (;;) {
    const workingSet = await store.load(refs, now);
    const result = work(workingSet.records);
    try {
      await workingSet.commit();
      return result;
    } catch (error) {
      if (!(error instanceof ProfilesConflictError)) throw error;
    }
  }
}

/** Fold updates into one record the way the engine does: an event the record consumed changes nothing. Returns how many applied. */
function fold(record: ProfileRecord, updates: readonly Update[], now: number): number {
  let applied = 0;
  const seen = new Set<string>();
  for (const u of updates) {
    if (!seen.has(u.eventId)) {
      if (record.hasConsumed(u.eventId)) continue;
      record.consume(u.eventId);
      seen.add(u.eventId);
    }
    const next = applyEvent(u.spec, record.state(u.hash), u.value, u.time, now);
    if (next) {
      record.setState(u.hash, next);
      applied++;
    }
  }
  return applied;
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

    const apply = (id: string, updates: readonly Update[], now = NOW, keyName = KEY) =>
      inWorkingSet(store, [{ keyName, id }], now, ([record]) => fold(record!, updates, now));

    /** The value of one definition of one identifier at `now`, through the store's read. */
    async function valueOf(id: string, hash: string, spec: AggregationSpec, now = NOW, keyName = KEY): Promise<unknown> {
      const [[state]] = (await store.read(keyName, [id], [{ hash, spec }], now)) as [[AttributeState | undefined]];
      return state ? readValue(spec, state, now) : undefined;
    }

    const counter = lifetime('counter');
    const count = (eventId: string, time = NOW, hash = 'h-count'): Update => ({ eventId, hash, spec: counter, value: null, time });

    describe('state: folded with core, read in batches', () => {
      for (const aggregation of AGGREGATIONS) {
        it(`${aggregation}: lifetime and windowed values equal core's`, async () => {
          for (const [hash, spec] of [[`${aggregation}-life`, lifetime(aggregation)], [`${aggregation}-1m`, windowed(aggregation, 60)]] as const) {
            const updates = updatesFor(hash, spec, SAMPLE, NOW - 20_000);
            await apply('u1', updates);
            expect(await valueOf('u1', hash, spec)).toEqual(expected(updates, NOW, NOW));
          }
        });
      }

      it('spelled out: counter, sum, mean, min, max, first, last, unique_list', async () => {
        const want: Record<Aggregation, unknown> = {
          counter: 10, sum: 21.8, mean: 21.8 / 7, min: -2, max: 10, first: 3, last: 0.2, unique_list: ['7.5', -2, 'red', 3, 10, 'blue', 0.1, 0.2],
        };
        for (const aggregation of AGGREGATIONS) {
          const spec = lifetime(aggregation);
          await apply('u1', updatesFor(aggregation, spec, SAMPLE, NOW - 20_000));
          const got = await valueOf('u1', aggregation, spec);
          if (typeof want[aggregation] === 'number') expect(got).toBeCloseTo(want[aggregation] as number, 9);
          else expect(got).toEqual(want[aggregation]);
        }
      });

      it('a windowed value slides with the read time', async () => {
        const spec = windowed('counter', 60);
        await apply('u1', [count('e1', NOW - 50_000, 'w'), count('e2', NOW - 10_000, 'w')].map((u) => ({ ...u, spec })));
        expect(await valueOf('u1', 'w', spec, NOW)).toBe(2);
        expect(await valueOf('u1', 'w', spec, NOW + 30_000)).toBe(1);
      });

      it('reads many identifiers and definitions in one call, aligned with the request', async () => {
        const sum = lifetime('sum');
        await inWorkingSet(store, [{ keyName: KEY, id: 'a' }, { keyName: KEY, id: 'b' }], NOW, ([a, b]) => {
          fold(a!, [count('e1'), { eventId: 'e1', hash: 'h-sum', spec: sum, value: 5, time: NOW }], NOW);
          fold(b!, [count('e2')], NOW);
        });
        const definitions = [{ hash: 'h-sum', spec: sum }, { hash: 'h-count', spec: counter }, { hash: 'h-unknown', spec: counter }];
        const states = await store.read(KEY, ['b', 'nobody', 'a'], definitions, NOW);
        const values = states.map((row) => row.map((s, i) => (s ? readValue(definitions[i]!.spec, s, NOW) : undefined)));
        expect(values).toEqual([[undefined, 1, undefined], [undefined, undefined, undefined], [5, 1, undefined]]);
      });

      it('keeps attribute keys apart: the same identifier under two keys is two profiles', async () => {
        await apply('same', [count('e1')]);
        await apply('same', [count('e2'), count('e3')], NOW, 'user_id');
        expect(await valueOf('same', 'h-count', counter)).toBe(1);
        expect(await valueOf('same', 'h-count', counter, NOW, 'user_id')).toBe(2);
      });

      it('state read after its TTL is absent', async () => {
        const short = lifetime('counter', 60_000);
        await apply('u1', [{ ...count('e1'), spec: short }]);
        expect(await valueOf('u1', 'h-count', short, NOW + 59_999)).toBe(1);
        expect(await valueOf('u1', 'h-count', short, NOW + 60_000)).toBeUndefined();
      });

      it('a record shows its own changes at once', async () => {
        await inWorkingSet(store, [{ keyName: KEY, id: 'u1' }], NOW, ([record]) => {
          expect(record!.state('h-count')).toBeUndefined();
          fold(record!, [count('e1')], NOW);
          expect(readValue(counter, record!.state('h-count')!, NOW)).toBe(1);
        });
        expect(await valueOf('u1', 'h-count', counter)).toBe(1);
      });
    });

    describe('dedupe: per identifier, committed with the state', () => {
      it('an event an identifier consumed changes nothing there again, in the same batch or a later one', async () => {
        // Two events of one batch with the same id: the second is a resend.
        const sameBatch = await inWorkingSet(store, [{ keyName: KEY, id: 'u1' }], NOW, ([r]) => fold(r!, [count('e1')], NOW) + fold(r!, [count('e1'), count('e2')], NOW));
        expect(sameBatch).toBe(2);
        expect(await apply('u1', [count('e2'), count('e3')])).toBe(1);
        expect(await valueOf('u1', 'h-count', counter)).toBe(3);
      });

      it('one event updates every attribute of an identifier once', async () => {
        const sum = lifetime('sum');
        const both = [count('e1'), { eventId: 'e1', hash: 'h-sum', spec: sum, value: 4, time: NOW }];
        expect(await apply('u1', both)).toBe(2);
        expect(await apply('u1', both)).toBe(0);
        expect(await valueOf('u1', 'h-sum', sum)).toBe(4);
      });

      it('is per identifier: another identifier, or the same one under another key, still consumes it', async () => {
        await apply('a', [count('e1')]);
        const consumed = await inWorkingSet(store, [{ keyName: KEY, id: 'a' }, { keyName: KEY, id: 'b' }, { keyName: 'user_id', id: 'a' }], NOW, (records) =>
          records.map((r) => r.hasConsumed('e1')),
        );
        expect(consumed).toEqual([true, false, false]);
      });

      it('consumed events are remembered a day later', async () => {
        await apply('u1', [count('e1')]);
        expect(await apply('u1', [count('e1', NOW + DAY - 1000)], NOW + DAY - 1000)).toBe(0);
      });
    });

    describe('working sets: no lost update, one winner per marker', () => {
      it('concurrent batches on one identifier both count', async () => {
        await Promise.all([apply('u1', [count('e1')]), apply('u1', [count('e2')]), apply('u1', [count('e3')])]);
        expect(await valueOf('u1', 'h-count', counter)).toBe(3);
      });

      it('of concurrent claims of a marker exactly one sets it', async () => {
        const claim = () =>
          inWorkingSet(store, [{ keyName: KEY, id: 'u1' }], NOW, ([record]) => {
            const held = record!.markerExpiry('offer\u00011');
            if (held !== undefined && held > NOW) return false;
            record!.setMarker('offer\u00011', NOW + 60_000);
            return true;
          });
        const claimed = await Promise.all([claim(), claim(), claim(), claim()]);
        expect(claimed.filter(Boolean)).toHaveLength(1);
        const [expiry] = await inWorkingSet(store, [{ keyName: KEY, id: 'u1' }], NOW, (records) => records.map((r) => r.markerExpiry('offer\u00011')));
        expect(expiry).toBe(NOW + 60_000);
      });

      it('an abandoned working set frees its identifiers for the next load', async () => {
        const abandoned = await store.load([{ keyName: KEY, id: 'u1' }], NOW);
        abandoned.abandon();
        await apply('u1', [count('e1')]);
        expect(await valueOf('u1', 'h-count', counter)).toBe(1);
      });

      it('a marker can be renewed, and is held per identifier', async () => {
        const refs = [{ keyName: KEY, id: 'a' }, { keyName: KEY, id: 'b' }];
        await inWorkingSet(store, refs, NOW, ([a]) => a!.setMarker('m', NOW + 1000));
        await inWorkingSet(store, refs, NOW, ([a]) => a!.setMarker('m', NOW + 5000));
        expect(await inWorkingSet(store, refs, NOW, (records) => records.map((r) => r.markerExpiry('m')))).toEqual([NOW + 5000, undefined]);
      });
    });

    describe('batch values', () => {
      it('are written and read aligned with identifiers and hashes; an older write is ignored', async () => {
        await store.writeBatchValues([
          { keyName: KEY, id: 'a', hash: 'ltv', value: 120.5, timestamp: NOW },
          { keyName: KEY, id: 'a', hash: 'segment', value: 'gold', timestamp: NOW },
          { keyName: KEY, id: 'b', hash: 'ltv', value: 3, timestamp: NOW },
        ]);
        await store.writeBatchValues([
          { keyName: KEY, id: 'a', hash: 'ltv', value: 99, timestamp: NOW - 1000 },
          { keyName: KEY, id: 'b', hash: 'ltv', value: 4, timestamp: NOW + 1000 },
        ]);
        expect(await store.readBatchValues(KEY, ['a', 'nobody', 'b'], ['ltv', 'segment'])).toEqual([
          [{ value: 120.5, timestamp: NOW }, { value: 'gold', timestamp: NOW }],
          [undefined, undefined],
          [{ value: 4, timestamp: NOW + 1000 }, undefined],
        ]);
        expect(await store.readBatchValues('user_id', ['a'], ['ltv'])).toEqual([[undefined]]);
      });
    });

    describe('deletion', () => {
      it('deleteIdentifier removes state, consumed events, markers and batch values of that identifier only', async () => {
        await apply('a', [count('e1')]);
        await apply('b', [count('e1')]);
        await inWorkingSet(store, [{ keyName: KEY, id: 'a' }], NOW, ([a]) => a!.setMarker('m', NOW + 60_000));
        await store.writeBatchValues([{ keyName: KEY, id: 'a', hash: 'ltv', value: 1, timestamp: NOW }]);
        expect(await store.deleteIdentifier(KEY, 'a')).toBe(true);
        expect(await store.deleteIdentifier(KEY, 'a')).toBe(false);
        expect(await store.deleteIdentifier(KEY, 'nobody')).toBe(false);
        expect(await valueOf('a', 'h-count', counter)).toBeUndefined();
        expect(await store.readBatchValues(KEY, ['a'], ['ltv'])).toEqual([[undefined]]);
        const after = await inWorkingSet(store, [{ keyName: KEY, id: 'a' }], NOW, ([a]) => [a!.hasConsumed('e1'), a!.markerExpiry('m')]);
        expect(after).toEqual([false, undefined]);
        expect(await valueOf('b', 'h-count', counter)).toBe(1);
      });

      it('dropDefinitions removes those definitions for every identifier and keeps the rest', async () => {
        const sum = lifetime('sum');
        for (const id of ['a', 'b']) await apply(id, [count(`${id}1`), { eventId: `${id}1`, hash: 'h-sum', spec: sum, value: 2, time: NOW }]);
        await store.dropDefinitions(new Set(['h-count', 'h-never-seen']));
        expect(await store.read(KEY, ['a', 'b'], [{ hash: 'h-count', spec: counter }], NOW)).toEqual([[undefined], [undefined]]);
        expect(await valueOf('b', 'h-sum', sum)).toBe(2);
      });
    });

    it("keeps names a client chose as data, '__proto__' and 'constructor' included", async () => {
      const names = ['__proto__', 'constructor', 'hasOwnProperty', 'toString'];
      for (const n of names) {
        await inWorkingSet(store, [{ keyName: n, id: n }], NOW, ([r]) => {
          fold(r!, [count(n, NOW, n)], NOW);
          r!.setMarker(n, NOW + 1000);
        });
        await store.writeBatchValues([{ keyName: n, id: n, hash: n, value: n, timestamp: NOW }]);
      }
      for (const n of names) {
        expect(await valueOf(n, n, counter, NOW, n)).toBe(1);
        expect(await store.readBatchValues(n, [n], [n])).toEqual([[{ value: n, timestamp: NOW }]]);
        expect(await inWorkingSet(store, [{ keyName: n, id: n }], NOW, ([r]) => [r!.hasConsumed(n), r!.markerExpiry(n)])).toEqual([true, NOW + 1000]);
      }
      expect(await valueOf('other', '__proto__', counter, NOW, '__proto__')).toBeUndefined();
    });
  });
}
