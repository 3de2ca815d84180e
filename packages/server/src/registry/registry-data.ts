/** What the registry holds, and how it is kept: one JSON document in the data dir. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttributeGroup, AttributeKey, RuleIntervention, Service } from '@signalbox/core';
import { writeFileDurably } from '../durable-file.js';

export interface RegistryData {
  attribute_keys: Record<string, AttributeKey>;
  /** name → version → group */
  attribute_groups: Record<string, Record<string, AttributeGroup>>;
  services: Record<string, Service>;
  /** name → version → intervention */
  interventions: Record<string, Record<string, RuleIntervention>>;
}

export function emptyRegistry(): RegistryData {
  return { attribute_keys: {}, attribute_groups: {}, services: {}, interventions: {} };
}

/** Persistence for the registry document; the file backend of `--registry file`. */
export interface RegistryPersistence {
  load(): RegistryData;
  save(data: RegistryData): void;
}

export class FileRegistryPersistence implements RegistryPersistence {
  private readonly path: string;
  constructor(dataDir: string) {
    this.path = join(dataDir, 'registry.json');
  }
  load(): RegistryData {
    if (!existsSync(this.path)) return emptyRegistry();
    return { ...emptyRegistry(), ...(JSON.parse(readFileSync(this.path, 'utf8')) as Partial<RegistryData>) };
  }
  save(data: RegistryData): void {
    writeFileDurably(this.path, JSON.stringify(data, null, 1));
  }
}
