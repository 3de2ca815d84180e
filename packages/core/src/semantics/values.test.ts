import { describe, expect, it } from 'vitest';
import { type AggregationSpec, type AttributeState, applyEvent, mergeStates, readValue } from './aggregation.js';
import { addExactly, presentNumber } from './values.js';
import { windowFor } from './windows.js';

const T0 = Date.parse('2026-11-28T12:00:00Z');

/** The exact decimal sum of numbers as written, by scaled integers: the reference for `addExactly`. */
function exactDecimalSum(values: readonly number[]): number {
  const places = Math.max(0, ...values.map((v) => (String(v).split('.')[1] ?? '').length));
  const scale = 10n ** BigInt(places);
  let total = 0n;
  for (const v of values) {
    const [whole, fraction = ''] = String(Math.abs(v)).split('.');
    const scaled = BigInt(whole!) * scale + BigInt(fraction.padEnd(places, '0') || '0');
    total += v < 0 ? -scaled : scaled;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(places + 1, '0');
  return Number(`${negative ? '-' : ''}${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places) || '0'}`);
}

/** A seeded generator of prices with cents, so failures reproduce. */
function prices(seed: number, n: number): number[] {
  let a = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    out.push(((a % 2_000_000) - 500_000) / 100);
  }
  return out;
}

const sumOf = (values: readonly number[]) => values.reduce(addExactly, 0);

describe('addExactly: sums as decimals', () => {
  it.each([
    [0.1, 0.2, 0.3],
    [59.99, 166.49, 226.48],
    [1.005, 2.01, 3.015],
    [-0.1, 0.3, 0.2],
    [1e-7, 2e-7, 3e-7],
    [12, 30, 42],
  ])('%d + %d = %d', (a, b, sum) => {
    expect(addExactly(a, b)).toBe(sum);
  });

  it('keeps many-term sums exact, where plain addition drifts', () => {
    const tenths = new Array<number>(1_000_000).fill(0.1);
    expect(tenths.reduce((x, y) => x + y, 0)).not.toBe(100_000);
    expect(sumOf(tenths)).toBe(100_000);
    const cents = prices(7, 100_000);
    expect(sumOf(cents)).toBe(exactDecimalSum(cents));
  });

  it('does not depend on the order of the terms', () => {
    const values = prices(11, 5_000);
    const reversed = [...values].reverse();
    const sorted = [...values].sort((x, y) => x - y);
    expect(sumOf(reversed)).toBe(sumOf(values));
    expect(sumOf(sorted)).toBe(sumOf(values));
  });

  it('adds terms with more than 15 decimal places as plain doubles', () => {
    expect(addExactly(1 / 3, 1 / 3)).toBe(1 / 3 + 1 / 3);
    expect(addExactly(2 ** 53, 0.5)).toBe(2 ** 53 + 0.5);
  });
});

describe('presentNumber', () => {
  it('rounds to 15 significant digits and leaves integers alone', () => {
    expect(presentNumber(0.1 + 0.2)).toBe(0.3);
    expect(presentNumber(226.48000000000002)).toBe(226.48);
    expect(presentNumber(10 / 3)).toBe(3.33333333333333);
    expect(presentNumber(2 ** 53 + 2)).toBe(2 ** 53 + 2);
    expect(presentNumber(-1.5)).toBe(-1.5);
  });
});

describe('sum and mean read back as decimals, through tiles and merges', () => {
  const lifetime: AggregationSpec = { aggregation: 'sum', window: undefined, ttlMs: 3_600_000 };
  const windowed: AggregationSpec = { aggregation: 'sum', window: windowFor(600), ttlMs: 3_600_000 };
  const mean: AggregationSpec = { aggregation: 'mean', window: windowFor(600), ttlMs: 3_600_000 };
  const fold = (spec: AggregationSpec, values: readonly number[], at = (i: number) => T0 - 1000 * i) => {
    let state: AttributeState | undefined;
    values.forEach((v, i) => (state = applyEvent(spec, state, v, at(i), T0) ?? state));
    return state!;
  };

  it('reads 59.99 + 166.49 as 226.48, lifetime and windowed', () => {
    expect(readValue(lifetime, fold(lifetime, [59.99, 166.49]), T0)).toBe(226.48);
    // One event per 10 s tile: the read adds the tiles' partial sums.
    expect(readValue(windowed, fold(windowed, [59.99, 166.49], (i) => T0 - 10_000 * i), T0)).toBe(226.48);
    expect(readValue(mean, fold(mean, [59.99, 166.49]), T0)).toBe(113.24);
  });

  it('merged partial aggregates read the same as one sequence', () => {
    const values = prices(3, 400);
    const spread = (i: number) => T0 - 1000 * (i % 500);
    const whole = fold(windowed, values, spread);
    const first = fold(windowed, values.slice(0, 200), spread);
    const second = fold(windowed, values.slice(200), (i) => spread(i + 200));
    expect(readValue(windowed, mergeStates(windowed, first, second), T0)).toBe(readValue(windowed, whole, T0));
    expect(readValue(windowed, whole, T0)).toBe(exactDecimalSum(values));
  });

  it('presents a mean to 15 significant digits', () => {
    expect(readValue(mean, fold(mean, [1, 1, 2]), T0)).toBe(1.33333333333333);
  });
});
