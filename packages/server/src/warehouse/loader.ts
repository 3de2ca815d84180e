/**
 * The loader: a second reader of the event log, behind the stream engine, writing every good event
 * into the warehouse's `atomic.events`. It keeps its position (the cursor) in the warehouse itself,
 * written in the same transaction as each batch, and the log keeps every segment the loader has not
 * passed — so an acknowledged event lands in the warehouse exactly once, across `kill -9`, restarts
 * and warehouse outages, and nothing is held in memory.
 *
 * It never blocks or fails ingestion: it runs when told new records were logged, or on its timer,
 * and a load failure is logged, counted in /metrics and retried with backoff (0.5 s doubling to
 * 30 s). When the warehouse is up but refuses a batch, the batch is loaded event by event and only
 * the events it refuses are given up, each logged and counted.
 */
import type { EnrichedEvent } from '@signalbox/core';
import { decodeRecord, isEventRecord, parseLoggedEvent } from '../sources/log-record.js';
import type { Logger } from 'pino';
import type { LoaderProgress } from './backlog.js';
import type { Warehouse } from './warehouse.js';

/** A position in the event log (stream/event-log.ts). */
export interface LogCursor {
  segment: number;
  offset: number;
}

/** What the loader reads: the event log, from a position, in complete records. */
export interface LogReader {
  readRange(from: LogCursor, maxBytes: number): { records: string[]; next: LogCursor };
  /** Bytes of log after `from`, for the backlog metric. */
  bytesAfter(from: LogCursor): number;
}

export interface LoaderOptions {
  /** Log bytes read per batch (about 1,000 events of a typical web tracker). */
  batchBytes: number;
  flushIntervalMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  clock: () => number;
  logger: Logger | undefined;
}

export const DEFAULT_LOADER_OPTIONS: LoaderOptions = {
  batchBytes: 1024 * 1024,
  flushIntervalMs: 1000,
  retryMinMs: 500,
  retryMaxMs: 30_000,
  clock: Date.now,
  logger: undefined,
};

export interface LoaderCounters {
  /** Events written to the warehouse. */
  loaded: number;
  /** Batch loads that failed (each retry counts). */
  failures: number;
  /** Events the warehouse refused while it was up; not loaded. */
  rejected: number;
  /** Values stored as NULL because their column type could not hold them. */
  valuesNulled: number;
}

/** The events in a run of log records; records that are not events (view changes, deletions) carry none. */
export function eventsOfRecords(records: readonly string[]): EnrichedEvent[] {
  const events: EnrichedEvent[] = [];
  for (const record of records) {
    if (!isEventRecord(record)) continue;
    const decoded = decodeRecord(record);
    if (decoded.kind === 'event') events.push(parseLoggedEvent(decoded.format, decoded.text));
  }
  return events;
}

const START: LogCursor = { segment: 0, offset: 0 };

export class WarehouseLoader {
  readonly counters: LoaderCounters = { loaded: 0, failures: 0, rejected: 0, valuesNulled: 0 };
  private readonly options: LoaderOptions;
  private log: LogReader | undefined;
  private cursor: LogCursor | undefined;
  /** Event records the cursor has moved past since start (for the backlog count, backlog.ts). */
  private eventsPassed = 0;
  private draining: Promise<void> | undefined;
  private again = false;
  private schemaReady = false;
  private interval: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = 0;
  private closed = false;
  private lastError: string | undefined;
  private progress: (() => void) | undefined;

  constructor(readonly warehouse: Warehouse, options: Partial<LoaderOptions> = {}) {
    this.options = { ...DEFAULT_LOADER_OPTIONS, ...options };
  }

  /**
   * The oldest log position the loader still needs, so the log keeps it. Until the cursor is
   * known (warehouse not reached yet) that is the very beginning.
   */
  position(): LogCursor {
    return this.cursor ?? START;
  }

  /** Where the loader is, for counting its backlog (backlog.ts). */
  get cursorState(): LoaderProgress {
    return { cursor: this.position(), eventsPassed: this.eventsPassed, cursorKnown: this.cursor !== undefined };
  }

  /** Bytes of event log not yet loaded. */
  get backlogBytes(): number {
    return this.log ? this.log.bytesAfter(this.position()) : 0;
  }

  /** The last load or schema error, if the warehouse has not recovered since. */
  get error(): string | undefined {
    return this.lastError;
  }

  /**
   * Start reading `log`: create the table and read the stored cursor now, and start the timer.
   * Never throws: an unreachable warehouse is logged and retried.
   */
  async start(log: LogReader): Promise<void> {
    this.log = log;
    this.interval ??= setInterval(() => this.kick(), this.options.flushIntervalMs);
    this.interval.unref();
    try {
      await this.prepare();
    } catch (error) {
      this.noteFailure(error, 'could not prepare atomic.events; will retry');
    }
    this.kick();
  }

  /** Hear after each committed batch (and each failure), e.g. to report the cursor across threads. */
  onProgress(listener: () => void): void {
    this.progress = listener;
  }

  /** Records were appended to the log: load them soon. Cheap; runs on the ingestion path. */
  notify(): void {
    this.kick();
  }

  /** Load everything logged so far. Rejects if the warehouse is down. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
    this.clearRetry();
    await this.drain(true);
  }

  /** Stop the timers, load what is logged (one attempt), and close the warehouse. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.interval) clearInterval(this.interval);
    this.clearRetry();
    try {
      while (this.draining) await this.draining;
      if (this.log) await this.drain(true);
    } catch {
      this.options.logger?.warn({ warehouse: this.warehouse.location }, 'warehouse unavailable at shutdown; the event log keeps what was not loaded for the next start');
    } finally {
      await this.warehouse.close();
    }
  }

  private kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    if (this.retryTimer || !this.log || this.closed) return;
    this.drain(false).catch(() => undefined);
  }

  private drain(throwOnOutage: boolean): Promise<void> {
    const run = this.drainLoop(throwOnOutage);
    const settled = run.then(() => undefined, () => undefined);
    this.draining = settled;
    void settled.then(() => {
      if (this.draining !== settled) return;
      this.draining = undefined;
      if (this.again && !throwOnOutage) {
        this.again = false;
        this.kick();
      }
    });
    return run;
  }

  private async prepare(): Promise<LogCursor> {
    if (!this.schemaReady) {
      await this.warehouse.ensureSchema();
      this.schemaReady = true;
    }
    if (!this.cursor) {
      const stored = await this.warehouse.readCursor();
      this.cursor = stored ? (JSON.parse(stored) as LogCursor) : START;
    }
    return this.cursor;
  }

  private async drainLoop(throwOnOutage: boolean): Promise<void> {
    for (;;) {
      let cursor: LogCursor;
      try {
        cursor = await this.prepare();
      } catch (error) {
        this.noteFailure(error, 'the warehouse is unavailable');
        this.scheduleRetry();
        if (throwOnOutage) throw new Error(`warehouse unavailable: ${this.lastError ?? 'unknown error'}`);
        return;
      }
      const { records, next } = this.log!.readRange(cursor, this.options.batchBytes);
      if (records.length === 0 && next.segment === cursor.segment && next.offset === cursor.offset) return;
      const events = eventsOfRecords(records);
      if (!(await this.loadBatch(events, next))) {
        this.scheduleRetry();
        if (throwOnOutage) throw new Error(`warehouse unavailable: ${this.lastError ?? 'unknown error'}`);
        return;
      }
      this.cursor = next;
      this.eventsPassed += events.length;
      this.progress?.();
    }
  }

  /** Load one batch and move the cursor past it; false when the warehouse is down (retry later). */
  private async loadBatch(batch: EnrichedEvent[], next: LogCursor): Promise<boolean> {
    const cursor = JSON.stringify(next);
    try {
      const result = await this.warehouse.load(batch, this.loadTstamp(), cursor);
      this.loaded(result.rows, result.problems);
      this.recovered();
      return true;
    } catch (error) {
      this.noteFailure(error, 'loading a batch into the warehouse failed');
      if (!(await this.isUp())) return false;
    }
    // The warehouse answers, so something in this batch is what it refuses: load event by event.
    // (A crash in this rare path may load an event of the batch twice; the normal path cannot.)
    for (const event of batch) {
      try {
        const result = await this.warehouse.load([event], this.loadTstamp());
        this.loaded(result.rows, result.problems);
      } catch (error) {
        if (!(await this.isUp())) return false;
        this.counters.rejected++;
        this.options.logger?.error({ err: error, event_id: event['event_id'] }, 'the warehouse refused an event; it is not in atomic.events');
      }
    }
    try {
      await this.warehouse.load([], this.loadTstamp(), cursor);
    } catch {
      return false;
    }
    this.recovered();
    return true;
  }

  private isUp(): Promise<boolean> {
    return this.warehouse.ping().then(() => true, () => false);
  }

  private loadTstamp(): string {
    return new Date(this.options.clock()).toISOString();
  }

  private loaded(rows: number, problems: readonly string[]): void {
    this.counters.loaded += rows;
    if (problems.length > 0) {
      this.counters.valuesNulled += problems.length;
      this.options.logger?.warn({ problems: problems.slice(0, 10), count: problems.length }, 'values the atomic.events columns cannot hold were stored as NULL');
    }
  }

  private noteFailure(error: unknown, message: string): void {
    this.counters.failures++;
    this.progress?.();
    const text = error instanceof Error ? error.message : String(error);
    // Log the first failure of an outage and every change of error, not every retry.
    if (text !== this.lastError) this.options.logger?.error({ err: error, warehouse: this.warehouse.location }, message);
    this.lastError = text;
  }

  private recovered(): void {
    if (this.lastError !== undefined) this.options.logger?.info({ warehouse: this.warehouse.location }, 'warehouse loading recovered');
    this.lastError = undefined;
    this.retryDelay = 0;
  }

  private scheduleRetry(): void {
    this.clearRetry();
    if (this.closed) return;
    this.retryDelay = this.retryDelay === 0 ? this.options.retryMinMs : Math.min(this.retryDelay * 2, this.options.retryMaxMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, this.retryDelay);
    this.retryTimer.unref();
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
