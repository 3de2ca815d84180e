/**
 * What the registry holds, and how it is kept: one JSON document in the data dir (design §3
 * "Lifecycle").
 *
 * Every collection is keyed by a name the client chose, so it lives in a `Map`: a group named
 * `__proto__` or `constructor` is data like any other. The file keeps the plain-object shape it
 * always had; `JSON.parse` makes a `"__proto__"` key an own property (never the prototype), and
 * `Object.fromEntries` writes one back the same way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttributeGroup, AttributeKey, RuleIntervention, Service } from '@signalbox/core';
import { writeFileDurably } from '../durable-file.js';

export interface RegistryData {
  attribute_keys: Map<string, AttributeKey>;
  /** name → version → group */
  attribute_groups: Map<string, Map<number, AttributeGroup>>;
  services: Map<string, Service>;
  /** name → version → intervention */
  interventions: Map<string, Map<number, RuleIntervention>>;
}

export function emptyRegistry(): RegistryData {
  return { attribute_keys: new Map(), attribute_groups: new Map(), services: new Map(), interventions: new Map() };
}

/** Persistence for the registry document; the file backend of `--registry file`. */
export interface RegistryPersistence {
  load(): RegistryData;
  save(data: RegistryData): void;
}

type Doc = Record<string, unknown>;
const entriesOf = (value: unknown): Array<[string, unknown]> =>
  value && typeof value === 'object' ? Object.entries(value as Doc) : [];

const named = <T>(value: unknown): Map<string, T> => new Map(entriesOf(value) as Array<[string, T]>);
const versioned = <T>(value: unknown): Map<string, Map<number, T>> =>
  new Map(entriesOf(value).map(([name, versions]) => [name, new Map(entriesOf(versions).map(([v, item]) => [Number(v), item as T]))]));

const plainNamed = (map: Map<string, unknown>): Doc => Object.fromEntries(map);
const plainVersioned = (map: Map<string, Map<number, unknown>>): Doc =>
  Object.fromEntries([...map].map(([name, versions]) => [name, Object.fromEntries(versions)]));

/** The registry document as stored on disk. */
export function registryFromJson(text: string): RegistryData {
  const doc = JSON.parse(text) as Doc;
  return {
    attribute_keys: named(doc['attribute_keys']),
    attribute_groups: versioned(doc['attribute_groups']),
    services: named(doc['services']),
    interventions: versioned(doc['interventions']),
  };
}

export function registryToJson(data: RegistryData): string {
  return JSON.stringify(
    {
      attribute_keys: plainNamed(data.attribute_keys),
      attribute_groups: plainVersioned(data.attribute_groups),
      services: plainNamed(data.services),
      interventions: plainVersioned(data.interventions),
    },
    null,
    1,
  );
}

export class FileRegistryPersistence implements RegistryPersistence {
  private readonly path: string;
  constructor(dataDir: string) {
    this.path = join(dataDir, 'registry.json');
  }
  load(): RegistryData {
    if (!existsSync(this.path)) return emptyRegistry();
    return registryFromJson(readFileSync(this.path, 'utf8'));
  }
  save(data: RegistryData): void {
    writeFileDurably(this.path, registryToJson(data));
  }
}
