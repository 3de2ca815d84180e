/**
 * Definition hashing (design §3 "State, TTL, idempotency"): attribute state is stored per
 * (identifier, definition hash), so the hash covers everything that changes the value and
 * nothing else — a new group version with an unchanged attribute keeps its accumulated value.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

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
  // A pure SHA-256 keeps core free of `node:` imports (it runs in the SDK and the console too).
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(definition)))).slice(0, 20);
}
