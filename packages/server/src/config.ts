/**
 * `signalbox start` options (design §2). Each option is also an environment variable; a flag
 * wins over the variable, the variable over the default.
 */
import type { InterventionsOptions } from './interventions/config.js';

export interface SignalboxConfig {
  host: string;
  port: number;
  dataDir: string;
  /** When unset, a key is generated on first start, printed once, and only its hash kept in the registry store. */
  apiKey: string | undefined;
  profiles: string;
  source: string;
  warehouse: string;
  registry: string;
  role: 'all' | 'api' | 'engine';
  /** Lifetime attributes without a group or key TTL expire after this many seconds idle. */
  defaultTtlSeconds: number;
  logLevel: string;
  /** Log segment size that triggers a snapshot. */
  segmentBytes: number;
  /** SSE keep-alive and replay, subscriber buffers, rlike budget, webhook retries (interventions/config.ts). */
  interventions?: InterventionsOptions;
}

/** pino's levels, most verbose first; `silent` logs nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const OPTIONS = [
  { flag: 'host', env: 'SIGNALBOX_HOST', default: '127.0.0.1', help: 'interface to listen on' },
  { flag: 'port', env: 'SIGNALBOX_PORT', default: '8080', help: 'HTTP port (0 picks a free one)' },
  { flag: 'data-dir', env: 'SIGNALBOX_DATA_DIR', default: './.signalbox', help: 'where definitions, the event log and snapshots live' },
  { flag: 'api-key', env: 'SIGNALBOX_API_KEY', default: undefined, help: 'admin API key (when unset: generated on first start and printed once; the registry keeps its hash)' },
  { flag: 'profiles', env: 'SIGNALBOX_PROFILES_URL', default: 'memory', help: 'Profiles Store: memory' },
  { flag: 'source', env: 'SIGNALBOX_SOURCE_URL', default: 'embedded', help: 'event source: embedded' },
  { flag: 'warehouse', env: 'SIGNALBOX_WAREHOUSE_URL', default: 'duckdb', help: 'warehouse: duckdb (a file in the data dir) or postgres://user@host:port/database' },
  { flag: 'registry', env: 'SIGNALBOX_REGISTRY_URL', default: 'file', help: 'registry: file (registry.json in the data dir)' },
  { flag: 'role', env: 'SIGNALBOX_ROLE', default: 'all', help: 'process role: all (API and engine in one process); api and engine need backends shared between processes, which this version does not have' },
  { flag: 'default-ttl', env: 'SIGNALBOX_DEFAULT_TTL', default: 'P7D', help: 'TTL of lifetime attributes without a group or key TTL' },
  { flag: 'log-level', env: 'SIGNALBOX_LOG_LEVEL', default: 'info', help: `log level: ${LOG_LEVELS.join(', ')}` },
  { flag: 'snapshot-every', env: 'SIGNALBOX_SNAPSHOT_BYTES', default: String(256 * 1024 * 1024), help: 'snapshot the Profiles Store when the event log segment passes this many bytes' },
] as const;
