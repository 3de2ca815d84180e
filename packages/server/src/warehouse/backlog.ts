/**
 * How far the warehouse loader is behind the event log, for `/metrics` and `/health-all`: the
 * event records logged after its cursor, the bytes after it, when it last loaded events and when
 * it last had nothing left to load. Runs on the loader's thread, which reads the log anyway.
 *
 * Counting is incremental, so a large backlog (a warehouse outage) is read once, not on every
 * look: records appended since the last look are counted as they come, and the events the loader
 * passes are subtracted as it passes them (`eventsPassed`, kept by the loader with its cursor).
 */
import type { LogCursor, LogReader } from './loader.js';
import { isEventRecord } from '../sources/log-record.js';

export interface LoaderBacklog {
  /** Event records in the log after the loader's cursor. */
  events: number;
  /** Bytes of log after the cursor. */
  bytes: number;
  /** Epoch ms of the last batch of events loaded, null if none since start. */
  lastLoadAt: number | null;
  /** Epoch ms when the loader was last seen with nothing left to load, null if not since start. */
  caughtUpAt: number | null;
}

/** What the counter is told about the loader each time it looks. */
export interface LoaderProgress {
  cursor: LogCursor;
  /** Event records the loader has moved its cursor past since start. */
  eventsPassed: number;
  /** False until the cursor stored in the warehouse was read (the cursor is then the log's start). */
  cursorKnown: boolean;
}

/** Read this much log per step while counting. */
const CHUNK_BYTES = 4 * 1024 * 1024;

const isBefore = (a: LogCursor, b: LogCursor) => a.segment < b.segment || (a.segment === b.segment && a.offset < b.offset);

export class BacklogCounter {
  /** Event records between the cursor of the last look (`passedAt` events passed) and `scannedTo`. */
  private events = 0;
  private scannedTo: LogCursor | undefined;
  private passedAt = 0;
  private known = false;
  private lastLoadAt: number | null = null;
  private caughtUpAt: number | null = null;

  constructor(private readonly log: LogReader) {}

  look(progress: LoaderProgress, now: number): LoaderBacklog {
    if (this.scannedTo === undefined || progress.cursorKnown !== this.known || isBefore(this.scannedTo, progress.cursor)) {
      // First look, the cursor just read from the warehouse, or the loader past all that was
      // counted: everything before the cursor is loaded, so count from it afresh.
      this.scannedTo = progress.cursor;
      this.events = 0;
      this.known = progress.cursorKnown;
    } else if (progress.eventsPassed > this.passedAt) {
      this.events -= progress.eventsPassed - this.passedAt;
      this.lastLoadAt = now;
    }
    this.passedAt = progress.eventsPassed;
    for (;;) {
      const { records, next } = this.log.readRange(this.scannedTo, CHUNK_BYTES);
      if (records.length === 0 && next.segment === this.scannedTo.segment && next.offset === this.scannedTo.offset) break;
      for (const record of records) if (isEventRecord(record)) this.events++;
      this.scannedTo = next;
    }
    if (this.events === 0) this.caughtUpAt = now;
    return { events: this.events, bytes: this.log.bytesAfter(progress.cursor), lastLoadAt: this.lastLoadAt, caughtUpAt: this.caughtUpAt };
  }
}
