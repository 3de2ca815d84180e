/**
 * Values in and out (design §3 "Values"): which event values an aggregation accepts, how numbers
 * are added up and presented, and the JSON type each declared attribute type is returned as.
 */
import type { Aggregation, AttributeType } from '../definitions/attribute.js';
import { isoString, timestampMillis } from '../time/timestamps.js';
import { asNumber } from './compare.js';

const NUMERIC = new Set<Aggregation>(['sum', 'min', 'max', 'mean']);

export const SKIPPED = Symbol('skipped');
/**
 * The value an aggregation takes from an event property: numbers for numeric aggregations
 * (numeric strings accepted), any scalar otherwise; `SKIPPED` when the value cannot be used,
 * `undefined` when it is missing.
 */
export function acceptValue(aggregation: Aggregation, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (NUMERIC.has(aggregation)) return asNumber(value) ?? SKIPPED;
  if (aggregation === 'unique_list' && typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** Decimal places beyond which a term is added as a plain double (no decimal the SDKs send has more). */
const MAX_DECIMALS = 15;
/** Scaled sums above this have more than 15 significant digits: a double cannot keep them exactly. */
const MAX_EXACT_SCALED = 1e15;
const POWERS_OF_TEN = Array.from({ length: MAX_DECIMALS + 1 }, (_, i) => 10 ** i);

/**
 * The fewest decimal places of a decimal that reads back as `x` (`59.99` → 2, `1e-7` → 7), or
 * Infinity past {@link MAX_DECIMALS}. The smallest `d` with `round(x·10^d) / 10^d === x`: the
 * division is correctly rounded, so that holds exactly when `x` is the double nearest to a
 * decimal of `d` places (what `String(x)` would print, at a fraction of its cost).
 */
function decimalPlaces(x: number): number {
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    const scale = POWERS_OF_TEN[d]!;
    if (Math.round(x * scale) / scale === x) return d;
  }
  return Infinity;
}

/**
 * `a + b` as decimal arithmetic: the double nearest to the exact decimal sum of the two numbers
 * as written (`59.99 + 166.49` is `226.48`, not `226.48000000000002`; `0.1 + 0.2` is `0.3`).
 *
 * Used for every sum and mean partial (updates, merges across tiles and stores), so a running
 * sum is always the nearest double to the exact sum of its terms and the order of additions never
 * matters — the partial aggregate still merges. Exact while the terms have at most 15 decimal
 * places and the sum at most 15 significant digits; beyond that it is the plain double sum.
 *
 * @example
 * ```ts
 * addExactly(0.1, 0.2) // 0.3
 * ```
 */
export function addExactly(a: number, b: number): number {
  const sum = a + b;
  if (Number.isInteger(a) && Number.isInteger(b)) return sum;
  const places = Math.max(decimalPlaces(a), decimalPlaces(b));
  if (places > MAX_DECIMALS) return sum;
  const scale = POWERS_OF_TEN[places]!;
  // Both terms are within half an ulp of their decimals, so the scaled sum rounds to the exact integer.
  const scaled = Math.round(sum * scale);
  if (!(Math.abs(scaled) <= MAX_EXACT_SCALED)) return sum;
  // An integer divided by a power of ten is correctly rounded: the nearest double to the decimal.
  return scaled / scale;
}

/**
 * How a computed number (a sum or a mean) is presented: rounded to 15 significant digits, the
 * precision a double always holds, so the noise of binary arithmetic never shows
 * (`10 / 3` reads `3.33333333333333`). Integers are returned as they are.
 *
 * @example
 * ```ts
 * presentNumber(0.30000000000000004) // 0.3
 * ```
 */
export function presentNumber(x: number): number {
  if (Number.isInteger(x) || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(15));
}

function toInteger(v: unknown): number | null {
  const n = typeof v === 'boolean' ? Number(v) : asNumber(v);
  return n === undefined ? null : Math.round(n);
}
function toNumber(v: unknown): number | null {
  const n = typeof v === 'boolean' ? Number(v) : asNumber(v);
  return n === undefined ? null : n;
}
function toText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
function toBool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === '1' || v === 'true') return true;
  if (v === 0 || v === '0' || v === 'false') return false;
  return null;
}
/** Timestamps arrive as ISO text, `YYYY-MM-DD HH:MM:SS.mmm`, or epoch seconds/milliseconds. */
function toTimestamp(v: unknown): string | null {
  if (typeof v === 'number') return isoString(Math.abs(v) < 1e11 ? v * 1000 : v);
  const ms = timestampMillis(v);
  return ms === null ? null : isoString(ms);
}

function scalar(base: string, v: unknown): unknown {
  switch (base) {
    case 'int32':
    case 'int64':
      return toInteger(v);
    case 'float':
    case 'double':
      return toNumber(v);
    case 'bool':
      return toBool(v);
    case 'unix_timestamp':
      return toTimestamp(v);
    default:
      return toText(v);
  }
}

/** The JSON value returned for an attribute of the declared type. */
export function outputValue(type: AttributeType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type.endsWith('_list')) {
    const base = type.slice(0, -'_list'.length);
    const items = Array.isArray(value) ? value : [value];
    return items.map((item) => scalar(base, item));
  }
  return scalar(type, Array.isArray(value) ? value[value.length - 1] : value);
}

/** What an attribute reads as for an identifier with live state but no value (design §3). */
export function typeDefault(aggregation: Aggregation): unknown {
  if (aggregation === 'counter' || aggregation === 'sum') return 0;
  if (aggregation === 'unique_list') return [];
  return null;
}
