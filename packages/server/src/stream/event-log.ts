/**
 * The embedded event source: an append-only log of segments in `<data dir>/log/`. A batch is
 * acknowledged only after its bytes are written and fdatasync'd, so an acknowledged event
 * survives `kill -9`. A torn last line (a write cut by a crash, never acknowledged) is cut off
 * when the log is reopened.
 *
 * Records are single lines, `<kind>\t<payload>`; their meaning belongs to stream/durability.ts.
 */
import { closeSync, existsSync, fdatasync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface LogPosition {
  segment: number;
  offset: number;
}

const segmentName = (n: number) => `${String(n).padStart(10, '0')}.log`;

export class EventLog {
  private readonly dir: string;
  private fd = -1;
  private segment = 0;
  private size = 0;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'log');
    mkdirSync(this.dir, { recursive: true });
  }

  segments(): number[] {
    return readdirSync(this.dir)
      .filter((f) => /^\d{10}\.log$/.test(f))
      .map((f) => Number(f.slice(0, 10)))
      .sort((a, b) => a - b);
  }

  /**
   * Every complete record from `from` on, in order, then open the log for appending at its end
   * (after cutting a torn last line).
   */
  *readFrom(from: LogPosition): Generator<string> {
    for (const segment of this.segments()) {
      if (segment < from.segment) continue;
      const path = join(this.dir, segmentName(segment));
      const bytes = readFileSync(path);
      const end = bytes.lastIndexOf(10) + 1; // bytes after the last newline are a torn write
      if (end < bytes.length) {
        const fd = openSync(path, 'r+');
        ftruncateSync(fd, end);
        fdatasyncSync(fd);
        closeSync(fd);
      }
      const start = segment === from.segment ? from.offset : 0;
      if (start >= end) continue;
      const text = bytes.subarray(start, end).toString('utf8');
      let i = 0;
      while (i < text.length) {
        const nl = text.indexOf('\n', i);
        yield text.slice(i, nl);
        i = nl + 1;
      }
    }
  }

  /**
   * Up to about `maxBytes` of complete records from `from` on, for a consumer reading behind the
   * writer (the warehouse loader). Read-only: a record still being written is left for next time.
   * `next` is where to continue; it moves to the next segment once one exists past `from`'s.
   */
  readRange(from: LogPosition, maxBytes: number): { records: string[]; next: LogPosition } {
    const segments = this.segments();
    let segment = from.segment;
    let offset = from.offset;
    // A position in a segment that is gone (before the oldest kept) starts at the oldest.
    if (segments.length > 0 && segment < segments[0]!) {
      segment = segments[0]!;
      offset = 0;
    }
    for (;;) {
      const path = join(this.dir, segmentName(segment));
      const size = existsSync(path) ? statSync(path).size : 0;
      if (offset < size) {
        const length = Math.min(maxBytes, size - offset);
        const bytes = Buffer.allocUnsafe(length);
        const fd = openSync(path, 'r');
        let read = 0;
        try {
          while (read < length) {
            const n = readSync(fd, bytes, read, length - read, offset + read);
            if (n === 0) break;
            read += n;
          }
        } finally {
          closeSync(fd);
        }
        const end = bytes.subarray(0, read).lastIndexOf(10) + 1;
        if (end === 0 && read === length && length === maxBytes) {
          // One record longer than maxBytes: read it whole.
          return this.readRange({ segment, offset }, maxBytes * 2);
        }
        if (end > 0) {
          const text = bytes.subarray(0, end).toString('utf8');
          return { records: text.slice(0, -1).split('\n'), next: { segment, offset: offset + end } };
        }
      }
      const later = segments.find((s) => s > segment);
      if (later === undefined) return { records: [], next: { segment, offset } };
      segment = later;
      offset = 0;
    }
  }

  /** Bytes of log after `from`. */
  bytesAfter(from: LogPosition): number {
    let total = 0;
    for (const segment of this.segments()) {
      if (segment < from.segment) continue;
      const size = statSync(join(this.dir, segmentName(segment))).size;
      total += segment === from.segment ? Math.max(0, size - from.offset) : size;
    }
    return total;
  }

  /** Open the newest segment for appending (or the first one). */
  open(): void {
    const last = this.segments().at(-1) ?? 1;
    this.openSegment(last);
  }

  private openSegment(segment: number): void {
    if (this.fd !== -1) closeSync(this.fd);
    const path = join(this.dir, segmentName(segment));
    this.fd = openSync(path, 'a');
    this.segment = segment;
    this.size = existsSync(path) ? statSync(path).size : 0;
  }

  position(): LogPosition {
    return { segment: this.segment, offset: this.size };
  }

  get currentSize(): number {
    return this.size;
  }

  /** Append records (each a line ending in a newline) and make them durable before returning. */
  append(text: string): void {
    this.write(text);
    fdatasyncSync(this.fd);
  }

  /** Append records to the file (the page cache); `sync` makes them durable. */
  write(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written);
    this.size += bytes.length;
  }

  /** fdatasync on libuv's thread pool, so the event loop keeps serving while the disk works. */
  sync(done: (error: Error | null) => void): void {
    fdatasync(this.fd, done);
  }

  /** Start a new segment; returns the position where it starts. */
  rotate(): LogPosition {
    this.openSegment(this.segment + 1);
    return this.position();
  }

  /** Remove segments wholly before `position` (their effects are in a snapshot, and every reader is past them). */
  truncateBefore(position: LogPosition): void {
    for (const segment of this.segments()) {
      if (segment < position.segment) rmSync(join(this.dir, segmentName(segment)));
    }
  }

  close(): void {
    if (this.fd !== -1) closeSync(this.fd);
    this.fd = -1;
  }
}
