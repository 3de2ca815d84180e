import { describe, expect, it } from 'vitest';
import type { Aggregation } from '../definitions/attribute.js';
import { type AggregationSpec, type AttributeState, UNIQUE_LIST_CAP, applyEvent, isExpired, mergeStates, readValue } from './aggregation.js';
import { tileWidthMs, windowFor } from './windows.js';

const T0 = Date.parse('2026-11-28T12:00:00Z');
const spec = (aggregation: Aggregation, periodSeconds?: number, ttlMs = 3_600_000): AggregationSpec => ({
  aggregation,
  window: windowFor(periodSeconds),
  ttlMs,
});

/** Apply (value, time) pairs processed at `now`, in order. */
function fold(s: AggregationSpec, events: Array<[unknown, number]>, now = T0): AttributeState | undefined {
  let state: AttributeState | undefined;
  for (const [value, time] of events) state = applyEvent(s, state, value, time, now) ?? state;
  return state;
}

describe('tile widths', () => {
  it.each([
    [60, 1_000], [61, 5_000], [300, 5_000], [600, 10_000], [900, 30_000], [3600, 60_000], [7200, 300_000],
    [86400, 1_800_000], [7 * 86400, 10_800_000], [30 * 86400, 43_200_000], [60 * 86400, 86_400_000], [365 * 86400, 86_400_000],
  ])('period %is → tile %ims', (period, width) => expect(tileWidthMs(period * 1000)).toBe(width));
});

describe('aggregations over a lifetime', () => {
  const events: Array<[unknown, number]> = [[5, T0 - 3000], [2, T0 - 1000], [9, T0 - 2000], [2, T0 - 500]];
  it.each([
    ['counter', 4], ['sum', 18], ['min', 2], ['max', 9], ['mean', 4.5], ['first', 5], ['last', 2],
  ] as const)('%s', (aggregation, expected) => {
    expect(readValue(spec(aggregation), fold(spec(aggregation), events)!, T0)).toBe(expected);
  });

  it('first and last go by event time, not arrival; ties to the earlier / later processed', () => {
    const s = [['a', T0 - 10], ['b', T0 - 20], ['c', T0 - 20], ['d', T0 - 10]] as Array<[unknown, number]>;
    expect(readValue(spec('first'), fold(spec('first'), s)!, T0)).toBe('b');
    expect(readValue(spec('last'), fold(spec('last'), s)!, T0)).toBe('d');
  });

  it('unique_list orders by last sighting, an older sighting does not move a value', () => {
    const s = [['a', T0 - 50], ['b', T0 - 40], ['a', T0 - 30], ['c', T0 - 35], ['b', T0 - 45]] as Array<[unknown, number]>;
    // b last seen at -40 (the -45 sighting is older), c at -35, a at -30.
    expect(readValue(spec('unique_list'), fold(spec('unique_list'), s)!, T0)).toEqual(['b', 'c', 'a']);
  });

  it('unique_list keeps the 100 most recently seen values', () => {
    const s = Array.from({ length: 150 }, (_, i) => [`v${i}`, T0 - 1000 + i] as [unknown, number]);
    const list = readValue(spec('unique_list'), fold(spec('unique_list'), s)!, T0) as string[];
    expect(list).toHaveLength(UNIQUE_LIST_CAP);
    expect(list[0]).toBe('v50');
    expect(list.at(-1)).toBe('v149');
  });
});

describe('windows', () => {
  const tenMinutes = spec('counter', 600);
  it('reads every tile that starts after t - period - w, so the window slides at read time', () => {
    // Tiles are 10 s wide and T0 is a multiple of 10 s: at T0 the oldest tile read starts at T0-600s.
    const state = fold(tenMinutes, [[null, T0 - 600_000], [null, T0 - 300_000], [null, T0]], T0)!;
    expect(readValue(tenMinutes, state, T0)).toBe(3);
    expect(readValue(tenMinutes, state, T0 + 5_000)).toBe(3);
    expect(readValue(tenMinutes, state, T0 + 10_000)).toBe(2);
  });
  it('an event whose tile is already outside the window is ignored', () => {
    expect(applyEvent(tenMinutes, undefined, null, T0 - 600_001, T0)).toBeUndefined();
    expect(applyEvent(tenMinutes, undefined, null, T0 - 600_000, T0)).toBeDefined();
  });
  it('values drop out tile by tile as time passes', () => {
    const state = fold(tenMinutes, [[null, T0 - 300_000], [null, T0]], T0)!;
    expect(readValue(tenMinutes, state, T0 + 300_000)).toBe(2);
    expect(readValue(tenMinutes, state, T0 + 300_000 + 10_000)).toBe(1);
    expect(readValue(tenMinutes, state, T0 + 620_000)).toBeUndefined();
  });
});

describe('TTL', () => {
  it('expires ttl after the last update, and an update after expiry starts afresh', () => {
    const s = spec('counter', undefined, 60_000);
    const state = fold(s, [[null, T0], [null, T0]], T0)!;
    expect(isExpired(s, state, T0 + 59_999)).toBe(false);
    expect(isExpired(s, state, T0 + 60_000)).toBe(true);
    const fresh = applyEvent(s, state, null, T0 + 60_000, T0 + 60_000)!;
    expect(readValue(s, fresh, T0 + 60_000)).toBe(1);
  });
});

describe('merge', () => {
  it('merging the states of two halves equals folding all events', () => {
    for (const aggregation of ['counter', 'sum', 'min', 'max', 'mean', 'first', 'last', 'unique_list'] as const) {
      for (const period of [undefined, 600]) {
        const s = spec(aggregation, period);
        const all: Array<[unknown, number]> = Array.from({ length: 40 }, (_, i) => [i % 7, T0 - 500_000 + i * 10_000]);
        const merged = mergeStates(s, fold(s, all.slice(0, 20))!, fold(s, all.slice(20))!);
        expect(readValue(s, merged, T0), `${aggregation} ${period}`).toEqual(readValue(s, fold(s, all)!, T0));
      }
    }
  });
});
