/**
 * Aggregation state as mergeable partial aggregates per tile (design §3, §4).
 *
 * One attribute's state for one identifier is a flat array, compact enough to hold a million
 * identifiers in memory (numbers in a plain array are stored unboxed):
 *
 *     [updatedAt, start₀, …partial₀, start₁, …partial₁, …]
 *
 * `updatedAt` is the processing time of the last update (it drives TTL). Lifetime attributes keep
 * one tile with start 0; windowed ones keep tiles in ascending start order. A partial is a fixed
 * number of slots per aggregation:
 *
 *     counter [count]   sum [sum]   mean [sum, count]   min/max [value]
 *     first/last [time, value]      unique_list [[value, last-seen time, …] least recent first]
 *
 * These functions are the single implementation of the semantics: the stream engine, the stores,
 * replay and the tests' reference checks all go through them. Time is always a parameter.
 *
 * Sums (of `sum` and `mean`) add as decimals (`addExactly`), in updates, merges and reads alike,
 * and read back through `presentNumber` (design §3 "Values").
 */
import type { Aggregation } from '../definitions/attribute.js';
import { addExactly, presentNumber } from './values.js';
import { type Window, tileStart, windowFloor } from './windows.js';

export type AttributeState = unknown[];

export interface AggregationSpec {
  aggregation: Aggregation;
  window: Window | undefined;
  ttlMs: number;
}

export const UNIQUE_LIST_CAP = 100;

const WIDTH: Record<Aggregation, number> = {
  counter: 1, sum: 1, mean: 2, min: 1, max: 1, first: 2, last: 2, unique_list: 1,
};

/**
 * A fresh state `[updatedAt, start, …partial]` holding one event. Built as one literal so the
 * array is allocated at its exact size (arrays grown element by element keep spare capacity,
 * which a million identifiers × ten attributes turn into gigabytes).
 */
function freshState(agg: Aggregation, now: number, start: number, value: unknown, time: number): AttributeState {
  switch (agg) {
    case 'counter': return [now, start, 1];
    case 'sum': case 'min': case 'max': return [now, start, value];
    case 'mean': return [now, start, value, 1];
    case 'first': case 'last': return [now, start, time, value];
    case 'unique_list': return [now, start, [value, time]];
  }
}

/** A new tile `[start, …partial]` to splice into an existing state. */
function freshTile(agg: Aggregation, start: number, value: unknown, time: number): AttributeState {
  const state = freshState(agg, 0, start, value, time);
  state.shift();
  return state;
}

/** Fold one more event into an existing partial. Events arrive in processing order. */
function addToPartial(agg: Aggregation, s: AttributeState, o: number, value: unknown, time: number): void {
  switch (agg) {
    case 'counter': s[o] = (s[o] as number) + 1; return;
    case 'sum': s[o] = addExactly(s[o] as number, value as number); return;
    case 'mean': s[o] = addExactly(s[o] as number, value as number); s[o + 1] = (s[o + 1] as number) + 1; return;
    case 'min': if ((value as number) < (s[o] as number)) s[o] = value; return;
    case 'max': if ((value as number) > (s[o] as number)) s[o] = value; return;
    // Ties go to the earlier processed event for first, the later one for last.
    case 'first': if (time < (s[o] as number)) { s[o] = time; s[o + 1] = value; } return;
    case 'last': if (time >= (s[o] as number)) { s[o] = time; s[o + 1] = value; } return;
    case 'unique_list': touchUnique(s[o] as unknown[], value, time); return;
  }
}

/**
 * A unique list partial is a flat array `[value₀, time₀, value₁, time₁, …]` ordered by recency:
 * (last-seen time, processing order), least recent first. A value seen again at a time no older
 * than its last sighting moves to its place among the most recent; an older sighting changes
 * nothing. Flat arrays cost a fraction of a Map per tile.
 */
function touchUnique(list: unknown[], value: unknown, time: number): void {
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === value) {
      if (time < (list[i + 1] as number)) return;
      list.splice(i, 2);
      break;
    }
  }
  // After every entry seen at or before `time`: this event was processed after all of them.
  let at = list.length;
  while (at > 0 && (list[at - 1] as number) > time) at -= 2;
  list.splice(at, 0, value, time);
  if (list.length > UNIQUE_LIST_CAP * 2) list.splice(0, 2);
}

/**
 * Apply one accepted event value (already validated for the aggregation; ignored by counter)
 * at event time `time`, processed at `now`. Returns the state to keep, or undefined when the
 * event falls in a tile already outside the window (the state is then untouched).
 */
export function applyEvent(
  spec: AggregationSpec,
  state: AttributeState | undefined,
  value: unknown,
  time: number,
  now: number,
): AttributeState | undefined {
  const { aggregation, window } = spec;
  const width = WIDTH[aggregation];
  const stride = width + 1;
  let start = 0;
  if (window) {
    start = tileStart(time, window);
    if (start <= windowFloor(now, window)) return undefined;
  }
  if (!state || isExpired(spec, state, now)) return freshState(aggregation, now, start, value, time);
  state[0] = now;
  if (window) dropTilesBefore(state, stride, windowFloor(now, window));
  // Find the tile, scanning from the newest: events mostly arrive in time order.
  let i = state.length - stride;
  while (i >= 1 && (state[i] as number) > start) i -= stride;
  if (i >= 1 && state[i] === start) {
    addToPartial(aggregation, state, i + 1, value, time);
  } else {
    state.splice(i + stride, 0, ...freshTile(aggregation, start, value, time));
  }
  return state;
}

function dropTilesBefore(state: AttributeState, stride: number, floor: number): void {
  let n = 0;
  while (1 + n * stride < state.length && (state[1 + n * stride] as number) <= floor) n++;
  if (n > 0) state.splice(1, n * stride);
}

/** Whether the state has outlived its TTL (every update resets the timer). */
export function isExpired(spec: AggregationSpec, state: AttributeState, now: number): boolean {
  return now - (state[0] as number) >= spec.ttlMs;
}

/**
 * The aggregated value at `now`: undefined when no tile in the window holds a value
 * (the caller then applies `default_value` or the type default).
 */
export function readValue(spec: AggregationSpec, state: AttributeState, now: number): unknown {
  const { aggregation, window } = spec;
  const stride = WIDTH[aggregation] + 1;
  const floor = window ? windowFloor(now, window) : -Infinity;
  let count = 0;
  let sum = 0;
  let best: unknown;
  let bestTime = 0;
  let unique: unknown[] | undefined;
  for (let i = 1; i < state.length; i += stride) {
    if ((state[i] as number) <= floor) continue;
    const o = i + 1;
    switch (aggregation) {
      case 'counter': count += state[o] as number; break;
      case 'sum': sum = addExactly(sum, state[o] as number); count++; break;
      case 'mean': sum = addExactly(sum, state[o] as number); count += state[o + 1] as number; break;
      case 'min': if (count++ === 0 || (state[o] as number) < (best as number)) best = state[o]; break;
      case 'max': if (count++ === 0 || (state[o] as number) > (best as number)) best = state[o]; break;
      case 'first': if (count++ === 0 || (state[o] as number) < bestTime) { bestTime = state[o] as number; best = state[o + 1]; } break;
      case 'last': if (count++ === 0 || (state[o] as number) >= bestTime) { bestTime = state[o] as number; best = state[o + 1]; } break;
      case 'unique_list': (unique ??= []).push(...(state[o] as unknown[])); count++; break;
    }
  }
  if (count === 0) return undefined;
  switch (aggregation) {
    case 'counter': return count;
    case 'sum': return presentNumber(sum);
    case 'mean': return presentNumber(sum / count);
    case 'unique_list': return orderUnique(unique ?? [], count);
    default: return best;
  }
}

/**
 * Tiles cover disjoint time ranges in ascending order, so concatenating their lists keeps the
 * recency order; a value's latest sighting is its last occurrence.
 */
function orderUnique(entries: unknown[], tiles: number): unknown[] {
  if (tiles === 1) {
    // One tile holds each value once, already in order.
    const out = new Array<unknown>(entries.length / 2);
    for (let i = 0; i < entries.length; i += 2) out[i / 2] = entries[i];
    return out;
  }
  const last = new Map<unknown, number>();
  for (let i = 0; i < entries.length; i += 2) last.set(entries[i], i);
  const out: unknown[] = [];
  for (let i = 0; i < entries.length; i += 2) if (last.get(entries[i]) === i) out.push(entries[i]);
  return out.slice(-UNIQUE_LIST_CAP);
}

/**
 * Merge state `b` into `a` (both for the same definition): tiles with equal starts combine their
 * partials as if `b`'s events had been processed after `a`'s. Used by backfill and store moves.
 */
export function mergeStates(spec: AggregationSpec, a: AttributeState, b: AttributeState): AttributeState {
  const { aggregation } = spec;
  const stride = WIDTH[aggregation] + 1;
  const out: AttributeState = [Math.max(a[0] as number, b[0] as number)];
  let i = 1;
  let j = 1;
  while (i < a.length || j < b.length) {
    const sa = i < a.length ? (a[i] as number) : Infinity;
    const sb = j < b.length ? (b[j] as number) : Infinity;
    if (sa < sb) { out.push(...a.slice(i, i + stride)); i += stride; continue; }
    if (sb < sa) { out.push(...b.slice(j, j + stride)); j += stride; continue; }
    const tile = a.slice(i, i + stride);
    mergePartial(aggregation, tile, 1, b, j + 1);
    out.push(...tile);
    i += stride;
    j += stride;
  }
  return out;
}

function mergePartial(agg: Aggregation, t: AttributeState, o: number, b: AttributeState, p: number): void {
  switch (agg) {
    case 'counter': t[o] = (t[o] as number) + (b[p] as number); return;
    case 'sum': t[o] = addExactly(t[o] as number, b[p] as number); return;
    case 'mean': t[o] = addExactly(t[o] as number, b[p] as number); t[o + 1] = (t[o + 1] as number) + (b[p + 1] as number); return;
    case 'min': case 'max': addToPartial(agg, t, o, b[p], 0); return;
    case 'first': case 'last': addToPartial(agg, t, o, b[p + 1], b[p] as number); return;
    case 'unique_list': {
      const list = [...(t[o] as unknown[])];
      const other = b[p] as unknown[];
      for (let i = 0; i < other.length; i += 2) touchUnique(list, other[i], other[i + 1] as number);
      t[o] = list;
      return;
    }
  }
}
