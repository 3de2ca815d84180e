/** Messages between the main thread (loader-thread.ts) and the loader's thread (loader-worker.ts). */
import type { LoaderBacklog } from './backlog.js';
import type { LoaderCounters, LoaderOptions, LogCursor } from './loader.js';
import type { WarehouseRow } from './warehouse.js';

export interface LoaderThreadData {
  warehouse: string;
  dataDir: string;
  logLevel: string;
  options: Partial<Omit<LoaderOptions, 'logger' | 'clock'>>;
}

export type ToLoader =
  | { kind: 'notify' }
  | { kind: 'flush'; id: number }
  | { kind: 'query'; id: number; sql: string; params: unknown[] }
  | { kind: 'backlog'; id: number }
  | { kind: 'close'; id: number };

export type FromLoader =
  | { kind: 'started' }
  | { kind: 'state'; cursor: LogCursor; counters: LoaderCounters; backlogBytes: number; error: string | null }
  | { kind: 'reply'; id: number; ok: true; rows?: WarehouseRow[]; backlog?: LoaderBacklog }
  | { kind: 'reply'; id: number; ok: false; error: string };
