/**
 * The enriched event under construction: one string per column of the 131, in TSV order, `''`
 * for empty. Enrichment writes columns by index so the hot path does no per-field name lookups.
 */
import { ENRICHED_FIELDS, ENRICHED_FIELD_COUNT, ENRICHED_FIELD_INDEX } from '@signalbox/core';

export type Columns = string[];

// Built with push so V8 keeps it a packed array: `new Array(n).fill('')` stays holey, which makes
// every later `join` walk the prototype chain (it was the hottest line of enrichment).
const EMPTY: string[] = [];
for (let i = 0; i < ENRICHED_FIELD_COUNT; i++) EMPTY.push('');

export function newColumns(): Columns {
  return EMPTY.slice();
}

/** Column index of an enriched field name; throws at load time for a misspelt name. */
export function column(name: string): number {
  const index = ENRICHED_FIELD_INDEX.get(name);
  if (index === undefined) throw new Error(`no enriched field ${name}`);
  return index;
}

export const FIELD_NAMES: readonly string[] = ENRICHED_FIELDS.map((f) => f.name);
