/**
 * The embedded event source: an append-only log of segments in `<data dir>/log/`. A batch is
 * acknowledged only after its bytes are written and fdatasync'd, so an acknowledged event
 * survives `kill -9`. A torn last line (a write cut by a crash, never acknowledged) is cut off
 * when the log is reopened.
 *
 * Records are single lines, `<kind>\t<payload>`; their meaning belongs to stream/durability.ts.
 */
import { closeSync, existsSync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
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

  /** Append records (each one line, without its newline) and make them durable. */
  append(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written);
    fdatasyncSync(this.fd);
    this.size += bytes.length;
  }

  /** Start a new segment; returns the position where it starts. */
  rotate(): LogPosition {
    this.openSegment(this.segment + 1);
    return this.position();
  }

  /** Remove segments wholly before `position` (their effects are in a snapshot). */
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
