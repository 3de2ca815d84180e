/**
 * The registry's in-memory copy of its store (design §4 "Registry store"): what the serving
 * path and the stream view read synchronously, and what the rules check a write against.
 *
 * A write is planned here before it is stored: `plan` runs the rules' mutations, records which
 * rows they touched and restores the cache at once, so nothing reads a change before the store
 * made it durable; `apply` makes it visible after the commit. The rules never change a cached
 * object in place (they set a copy), which is what makes restoring a row restore everything.
 */
import type { AttributeGroup, AttributeKey, RuleIntervention, Service } from '@signalbox/core';
import type { RegistryCollection, RegistryRow } from './registry-store.js';
import { VersionedCollection } from './versioned-collection.js';

/** The collections the rules keep (API keys and engine views live in the store but not in this cache). */
export type DefinitionCollection = Exclude<RegistryCollection, 'api_keys' | 'engine_views'>;
export const DEFINITION_COLLECTIONS: readonly DefinitionCollection[] = ['attribute_keys', 'attribute_groups', 'services', 'interventions'];

/** A row as a write leaves it: `value` undefined means deleted. */
export interface RowChange {
  collection: DefinitionCollection;
  name: string;
  version?: number;
  value: unknown;
}

interface Table {
  get(name: string, version: number | undefined): unknown;
  set(name: string, version: number | undefined, value: unknown): void;
  delete(name: string, version: number | undefined): void;
}

function namedTable(map: Map<string, unknown>): Table {
  return { get: (name) => map.get(name), set: (name, _v, value) => void map.set(name, value), delete: (name) => void map.delete(name) };
}

function versionedTable(collection: VersionedCollection<any>): Table {
  return {
    get: (name, version) => collection.find(name, version!),
    set: (name, version, value) => collection.set(name, version!, value),
    delete: (name, version) => collection.delete(name, version!),
  };
}

export class RegistryCache {
  readonly keys = new Map<string, AttributeKey>();
  readonly groups = new VersionedCollection<AttributeGroup>('attribute group');
  readonly services = new Map<string, Service>();
  readonly interventions = new VersionedCollection<RuleIntervention>('intervention');
  private readonly tables: Record<DefinitionCollection, Table> = {
    attribute_keys: namedTable(this.keys),
    attribute_groups: versionedTable(this.groups),
    services: namedTable(this.services),
    interventions: versionedTable(this.interventions),
  };
  /** While planning: the value each touched row had before, by row id. */
  private before: Map<string, RowChange> | undefined;

  static fromRows(rows: Iterable<RegistryRow>): RegistryCache {
    const cache = new RegistryCache();
    for (const row of rows) {
      if (row.collection !== 'api_keys' && row.collection !== 'engine_views') cache.tables[row.collection].set(row.name, row.version, row.value);
    }
    return cache;
  }

  setKey(key: AttributeKey): void { this.change('attribute_keys', key.name, undefined, key); }
  deleteKey(name: string): void { this.change('attribute_keys', name, undefined, undefined); }
  setGroup(group: AttributeGroup): void { this.change('attribute_groups', group.name, group.version, group); }
  deleteGroup(name: string, version: number): void { this.change('attribute_groups', name, version, undefined); }
  setService(service: Service): void { this.change('services', service.name, undefined, service); }
  deleteService(name: string): void { this.change('services', name, undefined, undefined); }
  setIntervention(intervention: RuleIntervention): void { this.change('interventions', intervention.name, intervention.version, intervention); }
  deleteIntervention(name: string, version: number): void { this.change('interventions', name, version, undefined); }

  /**
   * Run `rules` (which may throw) and return the rows it changed, leaving the cache as it was
   * either way. A row changed back to what it was is still listed: rewriting it is harmless.
   */
  plan<T>(rules: () => T): { result: T; changes: RowChange[] } {
    if (this.before) throw new Error('registry cache: plans do not nest');
    const before = new Map<string, RowChange>();
    this.before = before;
    let changes: RowChange[] = [];
    try {
      const result = rules();
      changes = [...before.values()].map((row) => ({ ...row, value: this.tables[row.collection].get(row.name, row.version) }));
      return { result, changes };
    } finally {
      this.before = undefined;
      for (const row of before.values()) this.write(row);
    }
  }

  /** Make committed changes visible. */
  apply(changes: readonly RowChange[]): void {
    for (const row of changes) this.write(row);
  }

  private change(collection: DefinitionCollection, name: string, version: number | undefined, value: unknown): void {
    const id = JSON.stringify([collection, name, version ?? null]);
    if (this.before && !this.before.has(id)) {
      const row: RowChange = { collection, name, value: this.tables[collection].get(name, version) };
      if (version !== undefined) row.version = version;
      this.before.set(id, row);
    }
    this.write({ collection, name, ...(version === undefined ? {} : { version }), value });
  }

  private write(row: RowChange): void {
    const table = this.tables[row.collection];
    if (row.value === undefined) table.delete(row.name, row.version);
    else table.set(row.name, row.version, row.value);
  }
}
