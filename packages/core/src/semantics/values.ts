/**
 * Values in and out (design §3 "Values"): which event values an aggregation accepts, and the JSON
 * type each declared attribute type is returned as.
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
