/**
 * Definition hashing (design §3 "State, TTL, idempotency"): attribute state is stored per
 * (identifier, definition hash), so the hash covers everything that changes the value and
 * nothing else — a new group version with an unchanged attribute keeps its accumulated value.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted and undefined dropped, so equal definitions hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function definitionHash(definition: unknown): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex').slice(0, 20);
}
