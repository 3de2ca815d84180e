/**
 * The main thread's side of the warehouse loader: the same surface as {@link WarehouseLoader}
 * (start, notify, flush, close, position, counters), with the loading done on a worker thread
 * (loader-worker.ts) so it never competes with ingestion and reads for the event loop.
 *
 * The log position the main thread keeps for the log's retention is the last one the worker
 * reported after committing a batch, so it can only be behind the truth: segments are kept a
 * little longer, never dropped early.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { LoaderBacklog } from './backlog.js';
import type { LoaderCounters, LogCursor } from './loader.js';
import type { FromLoader, LoaderThreadData, ToLoader } from './loader-protocol.js';
import type { WarehouseRow } from './warehouse.js';

const START: LogCursor = { segment: 0, offset: 0 };

interface Reply {
  rows: WarehouseRow[];
  backlog: LoaderBacklog | undefined;
}

export class WarehouseLoaderThread {
  counters: LoaderCounters = { loaded: 0, failures: 0, rejected: 0, valuesNulled: 0 };
  backlogBytes = 0;
  error: string | undefined;
  /** Queries run on the loader's thread, against its connection. */
  readonly warehouse: { query(sql: string, params?: readonly unknown[]): Promise<WarehouseRow[]> };
  private worker: Worker | undefined;
  private cursor: LogCursor = START;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  private closed = false;

  constructor(private readonly data: LoaderThreadData, private readonly logger: Logger | undefined) {
    this.warehouse = { query: async (sql, params = []) => (await this.request({ kind: 'query', id: 0, sql, params: [...params] })).rows };
  }

  /** Start the thread; resolves once it has created the table (or logged why it could not). */
  start(): Promise<void> {
    return new Promise((resolve) => {
      const worker = new Worker(new URL('./loader-worker.js', import.meta.url), { workerData: this.data });
      this.worker = worker;
      worker.unref();
      worker.on('message', (message: FromLoader) => {
        if (message.kind === 'started') resolve();
        else if (message.kind === 'state') {
          this.cursor = message.cursor;
          this.counters = message.counters;
          this.backlogBytes = message.backlogBytes;
          this.error = message.error ?? undefined;
        } else {
          const waiting = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.ok) waiting?.resolve({ rows: message.rows ?? [], backlog: message.backlog });
          else waiting?.reject(new Error(message.error));
        }
      });
      worker.on('error', (error) => this.logger?.error({ err: error }, 'the warehouse loader thread failed'));
      worker.on('exit', (code) => {
        for (const waiting of this.pending.values()) waiting.reject(new Error(`the warehouse loader thread exited (${code})`));
        this.pending.clear();
        resolve();
        if (!this.closed) {
          this.logger?.error({ code }, 'the warehouse loader thread stopped; restarting it');
          setTimeout(() => void this.start(), 1000).unref();
        }
      });
    });
  }

  /** The oldest log position the loader still needs. */
  position(): LogCursor {
    return this.cursor;
  }

  notify(): void {
    this.worker?.postMessage({ kind: 'notify' } satisfies ToLoader);
  }

  /** Load everything logged so far. Rejects if the warehouse is down. */
  async flush(): Promise<void> {
    await this.request({ kind: 'flush', id: 0 });
  }

  /** How far behind the event log the loader is, counted on its thread (backlog.ts). */
  async backlog(): Promise<LoaderBacklog> {
    const { backlog } = await this.request({ kind: 'backlog', id: 0 });
    if (!backlog) throw new Error('the warehouse loader thread did not report its backlog');
    return backlog;
  }

  /** Load what is logged (one attempt), close the warehouse and stop the thread. */
  async close(): Promise<void> {
    if (this.closed || !this.worker) return;
    this.closed = true;
    await this.request({ kind: 'close', id: 0 }).catch(() => undefined);
    await this.worker.terminate();
  }

  private request(message: ToLoader & { id: number }): Promise<Reply> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the warehouse loader is not started'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  }
}
