/**
 * Which backend serves each room (design §4 "Composition by role"): `--profiles`, `--source`,
 * `--registry` and `--warehouse` parsed once into typed configs, and the `--role` checked against
 * them. Every option this version cannot honour is named in one error, before anything opens.
 */
import type { SignalboxConfig } from '../config.js';
import { isPostgresUrl } from '../warehouse/index.js';

export type ProfilesBackend = { kind: 'memory' };
export type SourceBackend = { kind: 'embedded' };
export type RegistryBackend = { kind: 'file' };
export type WarehouseBackend = { kind: 'duckdb' } | { kind: 'postgres'; url: string };

export interface Backends {
  profiles: ProfilesBackend;
  source: SourceBackend;
  registry: RegistryBackend;
  warehouse: WarehouseBackend;
  role: SignalboxConfig['role'];
}

const ROLES: ReadonlyArray<SignalboxConfig['role']> = ['all', 'api', 'engine'];

/** The typed backends of a config, or an error naming every option this version does not have. */
export function parseBackends(config: SignalboxConfig): Backends {
  const unsupported: string[] = [];
  if (config.profiles !== 'memory') unsupported.push(`--profiles ${config.profiles} (only "memory" is available in this version)`);
  if (config.source !== 'embedded') unsupported.push(`--source ${config.source} (only "embedded" is available in this version)`);
  if (config.registry !== 'file') unsupported.push(`--registry ${config.registry} (only "file" is available in this version)`);
  const warehouse: WarehouseBackend | undefined =
    config.warehouse === 'duckdb' ? { kind: 'duckdb' } : isPostgresUrl(config.warehouse) ? { kind: 'postgres', url: config.warehouse } : undefined;
  if (!warehouse) unsupported.push(`--warehouse ${config.warehouse} (use "duckdb" or a postgres:// URL)`);
  if (!ROLES.includes(config.role)) {
    unsupported.push(`--role ${String(config.role)} (use all, api or engine)`);
  } else if (config.role !== 'all') {
    // The embedded store, source and registry live in one process's memory and data dir: an API
    // process and an engine process cannot share them.
    unsupported.push(
      `--role ${config.role} (an API process and an engine process must share the Profiles Store, the event source and the registry, and the embedded ones cannot be shared; use --role all)`,
    );
  }
  if (unsupported.length > 0) throw new Error(`unsupported options: ${unsupported.join('; ')}`);
  return { profiles: { kind: 'memory' }, source: { kind: 'embedded' }, registry: { kind: 'file' }, warehouse: warehouse!, role: config.role };
}
