/**
 * The `registry.json` document of the file registry store (design §4 "Registry store"): one
 * plain object per collection, `name → value` or `name → version → value`, plus the store's
 * `revision`. Data dirs written before the store had revisions or API keys read unchanged
 * (revision 0, no keys).
 *
 * Names are the client's: `JSON.parse` makes a `"__proto__"` key an own property (never the
 * prototype), `Object.entries` reads it back as data, and `Object.fromEntries` writes one back
 * the same way.
 */
import { REGISTRY_COLLECTIONS, type RegistryCollection, type RegistryRow, isVersioned } from './registry-store.js';

export interface RegistryDocument {
  revision: number;
  rows: RegistryRow[];
}

type Doc = Record<string, unknown>;
const entriesOf = (value: unknown): Array<[string, unknown]> =>
  value && typeof value === 'object' ? Object.entries(value as Doc) : [];

const COLLECTIONS = Object.keys(REGISTRY_COLLECTIONS) as RegistryCollection[];

export function documentFromJson(text: string): RegistryDocument {
  const doc = JSON.parse(text) as Doc;
  const rows: RegistryRow[] = [];
  for (const collection of COLLECTIONS) {
    for (const [name, value] of entriesOf(doc[collection])) {
      if (!isVersioned(collection)) rows.push({ collection, name, value });
      // Versions were once written as strings of digits; both read as numbers.
      else for (const [version, item] of entriesOf(value)) rows.push({ collection, name, version: Number(version), value: item });
    }
  }
  const revision = doc['revision'];
  return { revision: typeof revision === 'number' && Number.isInteger(revision) && revision >= 0 ? revision : 0, rows };
}

export function documentToJson(document: RegistryDocument): string {
  const doc: Doc = {};
  for (const collection of COLLECTIONS) {
    const rows = document.rows.filter((r) => r.collection === collection);
    if (!isVersioned(collection)) {
      doc[collection] = Object.fromEntries(rows.map((r) => [r.name, r.value]));
      continue;
    }
    const byName = new Map<string, Array<[string, unknown]>>();
    for (const r of rows) {
      const versions = byName.get(r.name) ?? [];
      versions.push([String(r.version), r.value]);
      byName.set(r.name, versions);
    }
    doc[collection] = Object.fromEntries([...byName].map(([name, versions]) => [name, Object.fromEntries(versions)]));
  }
  doc['revision'] = document.revision;
  return JSON.stringify(doc, null, 1);
}
