/**
 * Exactly-once for the embedded engine (design §3): every change to engine state goes through
 * this one queue. Each flush writes its records to the event log, fdatasyncs, then applies them
 * in the same order with the same processing time `now` that the log records — so replaying the
 * log after `kill -9` rebuilds exactly the state that was acknowledged, and event-id dedupe
 * absorbs whatever a client resends.
 *
 * Snapshots (v8-serialised store, view and log position) bound replay time; segments before the
 * snapshot's position are deleted once it is durable.
 *
 * Log records, one per line (encoded by sources/log-record.ts):
 *   T <now>:<view> <enriched TSV line>   an event received as TSV
 *   J <now>:<view> <enriched JSON>       an event received as JSON
 *   D <definition hashes>                stored values of deleted definitions dropped
 *   X <[attribute key, identifier]>      an identifier's data deleted
 *
 * `view` numbers the engine view (published attributes and rule interventions) the event was
 * accepted under, a row of the registry store (engine-views.ts): replay processes each event
 * under the attributes and rules it first met, so values and fired markers come back exactly,
 * and registry changes are not log records. Logs written before views were numbered hold `V`
 * (attributes) and `I` (interventions) records instead; they are still replayed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { CompiledView, type EnrichedEvent, type PublishedStreamAttribute, canonicalJson } from '@signalbox/core';
import { writeFileDurably } from '../durable-file.js';
import type { MemoryProfilesStore, MemoryStoreImage } from '../profiles/memory-store.js';
import { decodeRecord, encodeChangeRecord, encodeEventRecord, parseLoggedEvent } from '../sources/log-record.js';
import type { ProcessSummary, StreamEngine } from './engine.js';
import type { EngineView, EngineViews } from './engine-views.js';
import { EventLog, type LogPosition } from './event-log.js';

/** An accepted event with the text the log keeps for it. */
export interface LoggedEvent {
  format: 'T' | 'J';
  text: string;
  event: EnrichedEvent;
}

type Operation =
  | { kind: 'events'; events: LoggedEvent[]; done: (s: ProcessSummary) => void }
  /** From here on, events are accepted under engine view `number` (no record: events carry it). */
  | { kind: 'view'; number: number; view: EngineView; done: () => void }
  | { kind: 'drop'; hashes: string[]; done: () => void }
  | { kind: 'delete'; keyName: string; id: string; done: (found: boolean) => void };

type Queued = Operation & { fail: (e: unknown) => void };

interface SnapshotImage {
  format: 1;
  position: LogPosition;
  view: PublishedStreamAttribute[];
  store: MemoryStoreImage;
  /** The rule interventions view (absent in snapshots written before interventions existed). */
  interventions?: unknown;
  /** The number of `view` and `interventions` (absent in snapshots written before views were numbered). */
  viewNumber?: number;
}

/** The earlier of two log positions. */
function earlier(a: LogPosition, b: LogPosition): LogPosition {
  return a.segment < b.segment || (a.segment === b.segment && a.offset < b.offset) ? a : b;
}

export interface DurabilityOptions {
  dataDir: string;
  /** Where the engine views events name are kept. */
  views: EngineViews;
  /** Rotate the log and snapshot when the current segment passes this many bytes. */
  segmentBytes: number;
  clock: () => number;
}

export class Durability {
  private readonly log: EventLog;
  private readonly snapshotPath: string;
  private queue: Queued[] = [];
  private flushScheduled = false;
  /** A group commit whose fdatasync is in flight; the next one gathers everything queued meanwhile. */
  private inFlight: Promise<void> | undefined;
  private viewText = canonicalJson([]);
  private interventionsText = canonicalJson(null);
  /** The engine view applied last (undefined: one from a log's `V`/`I` records, before views were numbered). */
  private appliedView: number | undefined = 0;
  /** The engine view events queued from now on are accepted under: the last one queued. */
  private queuedView: number | undefined = 0;
  private interventionsListener: ((view: unknown) => void) | undefined;
  private readers: Array<() => LogPosition> = [];
  private appendListeners: Array<() => void> = [];
  private failure: { message: string; at: number } | undefined;
  /** Forgetting views older than the last snapshot's, while that is under way. */
  private pruning: Promise<void> = Promise.resolve();

  constructor(
    private readonly engine: StreamEngine,
    private readonly store: MemoryProfilesStore,
    private readonly options: DurabilityOptions,
  ) {
    this.log = new EventLog(options.dataDir);
    this.snapshotPath = join(options.dataDir, 'snapshot.bin');
  }

  /** Load the last snapshot and replay the log after it. Returns how many records were replayed. */
  async recover(): Promise<number> {
    let position: LogPosition = { segment: 0, offset: 0 };
    if (existsSync(this.snapshotPath)) {
      const image = deserialize(readFileSync(this.snapshotPath)) as SnapshotImage;
      this.store.restore(image.store);
      this.setView(image.view);
      if (image.interventions !== undefined) this.setInterventions(image.interventions);
      this.appliedView = image.viewNumber;
      position = image.position;
    }
    let replayed = 0;
    let batch: EnrichedEvent[] = [];
    let batchNow = 0;
    const flushBatch = async () => {
      if (batch.length > 0) await this.engine.process(batch, batchNow);
      batch = [];
    };
    for (const record of this.log.readFrom(position)) {
      replayed++;
      const decoded = decodeRecord(record);
      if (decoded.kind === 'event') {
        const switching = decoded.view !== undefined && decoded.view !== this.appliedView;
        if (decoded.now !== batchNow || switching) await flushBatch();
        if (switching) this.loadView(decoded.view!, await this.options.views.get(decoded.view!));
        batchNow = decoded.now;
        batch.push(parseLoggedEvent(decoded.format, decoded.text));
        continue;
      }
      await flushBatch();
      const { kind, payload } = decoded;
      if (kind === 'D') await this.store.dropDefinitions(new Set(payload as string[]));
      else if (kind === 'X') await this.store.deleteIdentifier(...(payload as [string, string]));
      else {
        // A log from before views were numbered.
        if (kind === 'V') this.setView(payload as PublishedStreamAttribute[]);
        else this.setInterventions(payload);
        this.appliedView = undefined;
      }
    }
    await flushBatch();
    this.queuedView = this.appliedView;
    this.log.open();
    return replayed;
  }

  /** The rule interventions view in force (as last applied). */
  get interventionsView(): unknown {
    return JSON.parse(this.interventionsText) as unknown;
  }

  private loadView(number: number, view: EngineView): void {
    this.setView(view.attributes);
    this.setInterventions(view.interventions);
    this.appliedView = number;
  }

  private setView(view: PublishedStreamAttribute[]): void {
    this.viewText = canonicalJson(view);
    this.engine.loadView(new CompiledView(view));
  }

  /** Hear the rule interventions view whenever it is loaded: from the snapshot, the log, or a change. */
  onInterventionsView(listener: (view: unknown) => void): void {
    this.interventionsListener = listener;
  }

  private setInterventions(view: unknown): void {
    this.interventionsText = canonicalJson(view);
    this.interventionsListener?.(view);
  }

  /**
   * Another reader of the log (the warehouse loader): segments it has not passed are kept, and
   * `onAppend` listeners hear after every flush that there is more to read.
   */
  addReader(position: () => LogPosition, onAppend: () => void): void {
    this.readers.push(position);
    this.appendListeners.push(onAppend);
  }

  /** The last failed write or sync of the log, until a commit succeeds again (for /health-all). */
  get lastFailure(): { message: string; at: number } | undefined {
    return this.failure;
  }

  /** The log itself, for readers behind the engine. */
  get eventLog(): EventLog {
    return this.log;
  }

  submitEvents(events: LoggedEvent[]): Promise<ProcessSummary> {
    return new Promise((done, fail) => this.enqueue({ kind: 'events', events, done, fail }));
  }

  /**
   * Accept events under engine view `number` from now on: events queued before this call keep the
   * view they were queued under. The view must already be durable in the registry store.
   */
  switchView(number: number, view: EngineView): Promise<void> {
    if (number === this.queuedView) return Promise.resolve();
    this.queuedView = number;
    return new Promise((done, fail) => this.enqueue({ kind: 'view', number, view, done, fail }));
  }

  dropDefinitions(hashes: string[]): Promise<void> {
    if (hashes.length === 0) return Promise.resolve();
    return new Promise((done, fail) => this.enqueue({ kind: 'drop', hashes, done, fail }));
  }

  deleteIdentifier(keyName: string, id: string): Promise<boolean> {
    return new Promise((done, fail) => this.enqueue({ kind: 'delete', keyName, id, done, fail }));
  }

  private enqueue(op: Queued): void {
    this.queue.push(op);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight || this.queue.length === 0) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Group commit: one write and one fdatasync for everything queued since the last flush. The
   * sync runs off the event loop; requests arriving meanwhile queue up and go out together in the
   * next commit, so under load each fsync covers many requests. Operations are applied in log
   * order, after their records are durable and before the next commit is written.
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.inFlight) return;
    const ops = this.queue;
    this.queue = [];
    if (ops.length === 0) return;
    const now = this.options.clock();
    try {
      this.log.write(this.records(ops, now));
    } catch (error) {
      this.failed(error, now);
      for (const op of ops) op.fail(error);
      return;
    }
    // In flight until the operations are applied too: the next commit's apply must come after.
    this.inFlight = new Promise<void>((synced) => this.log.sync((error) => {
      if (error) {
        this.failed(error, now);
        for (const op of ops) op.fail(error);
        synced();
        return;
      }
      this.failure = undefined;
      void this.apply(ops, now).finally(synced);
    })).then(() => {
      this.inFlight = undefined;
      this.scheduleFlush();
    });
  }

  private failed(error: unknown, at: number): void {
    this.failure = { message: error instanceof Error ? error.message : String(error), at };
  }

  /** The log lines of `ops`: events stamped with the view in force where they stand in the queue. */
  private records(ops: Queued[], now: number): string {
    const lines: string[] = [];
    let view = this.appliedView;
    for (const op of ops) {
      if (op.kind === 'events') for (const e of op.events) lines.push(encodeEventRecord(e.format, now, e.text, view));
      else if (op.kind === 'view') view = op.number;
      else if (op.kind === 'drop') lines.push(encodeChangeRecord('D', op.hashes));
      else lines.push(encodeChangeRecord('X', [op.keyName, op.id]));
    }
    return lines.join('');
  }

  /** Apply durable operations in log order, one after another; one that throws fails alone. */
  private async apply(ops: Queued[], now: number): Promise<void> {
    for (const op of ops) {
      try {
        if (op.kind === 'events') op.done(await this.engine.process(op.events.map((e) => e.event), now));
        else if (op.kind === 'view') { this.loadView(op.number, op.view); op.done(); }
        else if (op.kind === 'drop') { await this.store.dropDefinitions(new Set(op.hashes)); op.done(); }
        else op.done(await this.store.deleteIdentifier(op.keyName, op.id));
      } catch (error) {
        op.fail(error);
      }
    }
    try {
      if (this.log.currentSize >= this.options.segmentBytes) {
        this.log.rotate();
        this.snapshot();
      }
    } catch (error) {
      this.failed(error, now);
    }
    for (const listener of this.appendListeners) listener();
  }

  /** Write a snapshot of everything applied so far and drop the log segments it covers. */
  snapshot(): void {
    const position = this.log.position();
    const image: SnapshotImage = {
      format: 1,
      position,
      view: JSON.parse(this.viewText) as PublishedStreamAttribute[],
      store: this.store.image(),
      interventions: JSON.parse(this.interventionsText) as unknown,
      ...(this.appliedView === undefined ? {} : { viewNumber: this.appliedView }),
    };
    writeFileDurably(this.snapshotPath, serialize(image));
    this.log.truncateBefore(this.readers.reduce((keep, reader) => earlier(keep, reader()), position));
    // Replay starts at this snapshot now: the views of older events are not needed any more (a
    // view not pruned now is pruned at the next snapshot).
    if (this.appliedView !== undefined) this.pruning = this.options.views.pruneBefore(this.appliedView).catch(() => undefined);
  }

  /** Apply what is queued (waiting for a commit in flight), snapshot, and close the log. */
  async close(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    const ops = this.queue;
    this.queue = [];
    if (ops.length > 0) {
      const now = this.options.clock();
      try {
        this.log.append(this.records(ops, now));
        await this.apply(ops, now);
      } catch (error) {
        for (const op of ops) op.fail(error);
      }
    }
    this.log.rotate();
    this.snapshot();
    this.log.close();
    await this.pruning;
  }
}
