/**
 * The embedded event source (design §4): an `EventLog` of its own in `<dir>/log/`, and each
 * consumer's acknowledged position in `<dir>/consumers.json`, written durably on every ack. A
 * consumer's delivery cursor lives in memory and starts at its acknowledged position when the
 * source opens, so whatever was delivered but not acknowledged before a crash comes again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from '../durable-file.js';
import { EventLog, type LogPosition } from '../stream/event-log.js';
import type { DeliveredBatch, DeliveredEvent, EventSource, SourcedEvent } from './event-source.js';
import { decodeRecord, encodeEventRecord } from './log-record.js';

const START: LogPosition = { segment: 0, offset: 0 };
/** How much log one `consume` reads at most before cutting to `max` events. */
const READ_BYTES = 4 * 1024 * 1024;

const encodePosition = (p: LogPosition) => `${p.segment}:${p.offset}`;
function decodePosition(text: string): LogPosition {
  const [segment, offset] = text.split(':').map(Number);
  if (!Number.isInteger(segment) || !Number.isInteger(offset)) throw new Error(`not a position of the embedded event source: "${text}"`);
  return { segment: segment!, offset: offset! };
}

export class EmbeddedEventSource implements EventSource {
  private readonly log: EventLog;
  private readonly ackedPath: string;
  /** consumer → acknowledged position (what survives a restart) */
  private readonly acked: Map<string, LogPosition>;
  /** consumer → where its next batch starts */
  private readonly delivered = new Map<string, LogPosition>();

  constructor(dir: string) {
    this.log = new EventLog(dir);
    // Reading to the end cuts a torn last line, then opens the log for appending.
    for (const record of this.log.readFrom(START)) void record;
    this.log.open();
    this.ackedPath = join(dir, 'consumers.json');
    const saved = existsSync(this.ackedPath) ? (JSON.parse(readFileSync(this.ackedPath, 'utf8')) as Array<[string, LogPosition]>) : [];
    this.acked = new Map(saved);
  }

  append(events: readonly SourcedEvent[], now: number): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    this.log.write(events.map((e) => encodeEventRecord(e.format, now, e.text)).join(''));
    return new Promise((done, fail) => this.log.sync((error) => (error ? fail(error) : done())));
  }

  consume(consumer: string, max: number): Promise<DeliveredBatch | undefined> {
    const from = this.delivered.get(consumer) ?? this.acked.get(consumer) ?? START;
    const { records, next } = this.log.readRange(from, READ_BYTES);
    if (records.length === 0) return Promise.resolve(undefined);
    const taken = records.slice(0, max);
    // Cut short: the position after the last record taken, within the segment read.
    const position = taken.length === records.length
      ? next
      : { segment: next.segment, offset: next.offset - records.slice(taken.length).reduce((n, r) => n + Buffer.byteLength(r) + 1, 0) };
    const events: DeliveredEvent[] = [];
    for (const record of taken) {
      const decoded = decodeRecord(record);
      if (decoded.kind === 'event') events.push({ format: decoded.format, text: decoded.text, now: decoded.now });
    }
    this.delivered.set(consumer, position);
    return Promise.resolve({ events, position: encodePosition(position) });
  }

  ack(consumer: string, position: string): Promise<void> {
    this.acked.set(consumer, decodePosition(position));
    writeFileDurably(this.ackedPath, JSON.stringify([...this.acked]));
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.log.close();
    return Promise.resolve();
  }
}
