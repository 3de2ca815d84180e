/**
 * What a write would change in a stored definition (design §3 "Lifecycle"): a published version
 * is immutable except its metadata, and a refused change names each field it would alter —
 * `attributes[2].aggregation`, not just "immutable".
 *
 * Both sides are compared as JSON with undefined dropped, so an absent optional and one sent as
 * null (which the schemas read as absent) are the same.
 *
 * Keys have a second rule: two keys of one name must agree on what makes a group on them compute
 * (`keyDisagreements`), or a group would silently read another key than the one it was sent with.
 */
import { type AttributeKey, canonicalJson, durationSeconds, keyColumn, keyProperty } from '@signalbox/core';

/** Fields that may change on a published version, at any depth. */
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

/**
 * Without the fields a published version may change, wherever they are: an attribute's or a
 * field's description is as much metadata as the group's, and none of them is in a definition
 * hash (core/semantics/published-view.ts).
 */
function withoutMutable(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutMutable);
  if (!isObject(value)) return value;
  const copy: { [k: string]: Json } = Object.create(null) as { [k: string]: Json };
  for (const [key, child] of Object.entries(value)) {
    if (!(MUTABLE_WHEN_PUBLISHED as readonly string[]).includes(key)) copy[key] = withoutMutable(child);
  }
  return copy;
}

/** The paths at which `after` differs from `before`, ignoring the fields a published version may change. */
export function immutableChanges(before: object, after: object): string[] {
  const out: string[] = [];
  diff(withoutMutable(asJson(before)), withoutMutable(asJson(after)), '', out);
  return out;
}

/** "fields attributes[2].aggregation and ttl" for an error message. */
export function describeChanges(paths: readonly string[]): string {
  const shown = paths.slice(0, 10).join(', ');
  const more = paths.length > 10 ? ` and ${paths.length - 10} more` : '';
  return `${paths.length === 1 ? 'field' : 'fields'} ${shown}${more}`;
}

/**
 * What of a key decides what a group on it computes: where identifiers are read, the join column
 * the engine view names (`key`, deprecated), the warehouse column and the TTL fallback.
 */
function keyReading(key: AttributeKey) {
  return {
    property: canonicalJson(keyProperty(key) ?? null),
    key: key.key ?? keyColumn(key),
    external_column: key.external_column ?? null,
    ttl: key.ttl === undefined ? null : durationSeconds(key.ttl),
  };
}

/**
 * The fields at which `carried` and `other`, two keys of one name, would make a group compute
 * differently: `property` (also when `carried` says where it reads with the deprecated `key`
 * alone), `key`, `external_column`, `ttl`. With `onlyGiven`, what `carried` leaves out agrees: a
 * `{"name"}` link, or the SDKs' built-in constants that give only `key`, read `other` as it is.
 */
export function keyDisagreements(carried: AttributeKey, other: AttributeKey, onlyGiven: boolean): string[] {
  const [a, b] = [keyReading(carried), keyReading(other)];
  const given = (...fields: Array<keyof AttributeKey>) => !onlyGiven || fields.some((f) => carried[f] !== undefined);
  const out: string[] = [];
  if (given('property', 'key') && a.property !== b.property) out.push(carried.property === undefined && carried.key !== undefined ? 'key' : 'property');
  if (given('key') && a.key !== b.key && !out.includes('key')) out.push('key');
  if (given('external_column') && a.external_column !== b.external_column) out.push('external_column');
  if (given('ttl') && a.ttl !== b.ttl) out.push('ttl');
  return out;
}
