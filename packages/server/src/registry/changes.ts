/**
 * What a write would change in a stored definition (design §3 "Lifecycle"): a published version
 * is immutable except its metadata, and a refused change names each field it would alter —
 * `attributes[2].aggregation`, not just "immutable".
 *
 * Both sides are compared as JSON with undefined dropped, so an absent optional and one sent as
 * null (which the schemas read as absent) are the same.
 */
import { canonicalJson } from '@signalbox/core';

/** Fields that may change on a published version. */
export const MUTABLE_WHEN_PUBLISHED = ['description', 'owner', 'is_published'] as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const asJson = (value: unknown): Json => JSON.parse(canonicalJson(value)) as Json;
const isObject = (v: Json): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

function diff(before: Json, after: Json, path: string, out: string[]): void {
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= before.length || i >= after.length) out.push(`${path}[${i}]`);
      else diff(before[i]!, after[i]!, `${path}[${i}]`, out);
    }
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of [...keys].sort()) {
      const child = path ? `${path}.${key}` : key;
      if (!Object.hasOwn(before, key) || !Object.hasOwn(after, key)) out.push(child);
      else diff(before[key]!, after[key]!, child, out);
    }
    return;
  }
  if (canonicalJson(before) !== canonicalJson(after)) out.push(path || '(the whole definition)');
}

/** The paths at which `after` differs from `before`, ignoring the fields a published version may change. */
export function immutableChanges(before: object, after: object): string[] {
  const strip = (obj: object): Json => {
    const copy = asJson(obj) as { [k: string]: Json };
    for (const field of MUTABLE_WHEN_PUBLISHED) delete copy[field];
    return copy;
  };
  const out: string[] = [];
  diff(strip(before), strip(after), '', out);
  return out;
}

/** "fields attributes[2].aggregation and ttl" for an error message. */
export function describeChanges(paths: readonly string[]): string {
  const shown = paths.slice(0, 10).join(', ');
  const more = paths.length > 10 ? ` and ${paths.length - 10} more` : '';
  return `${paths.length === 1 ? 'field' : 'fields'} ${shown}${more}`;
}
