/**
 * The one codec for event-log records (design §4 "Event source": one codec for log records),
 * shared by the engine's durability (stream/durability.ts), the warehouse loader and the embedded
 * event source. Records are single lines:
 *
 *   T <now>[:<view>] <enriched TSV line>   an event received as TSV
 *   J <now>[:<view>] <enriched JSON>       an event received as JSON
 *   D|X <JSON payload>                     store operations (see stream/durability.ts)
 *   V|I <JSON payload>                     engine views, in logs written before views were
 *                                          numbered rows of the registry store (read, never written)
 *
 * `now` is the processing time recorded with the event, so a replay applies it at the same time;
 * `view` the number of the engine view it was accepted under (stream/engine-views.ts), so a replay
 * processes it under the same attributes and rules.
 */
import { type EnrichedEvent, normalizeEnrichedJson, parseEnrichedTsv } from '@signalbox/core';

export type EventFormat = 'T' | 'J';
export type ChangeKind = 'V' | 'D' | 'X' | 'I';

export type LogRecord =
  | { kind: 'event'; format: EventFormat; now: number; view: number | undefined; text: string }
  | { kind: ChangeKind; payload: unknown };

/** An event record line, newline included; `view` is left out by sources that keep no views. */
export function encodeEventRecord(format: EventFormat, now: number, text: string, view?: number): string {
  return view === undefined ? `${format}\t${now}\t${text}\n` : `${format}\t${now}:${view}\t${text}\n`;
}

/** A change record line, newline included. */
export function encodeChangeRecord(kind: ChangeKind, payload: unknown): string {
  return `${kind}\t${JSON.stringify(payload)}\n`;
}

export function isEventRecord(record: string): boolean {
  return record[0] === 'T' || record[0] === 'J';
}

/** A record line (without its newline). */
export function decodeRecord(record: string): LogRecord {
  const kind = record[0];
  if (kind === 'T' || kind === 'J') {
    const tab = record.indexOf('\t', 2);
    const colon = record.indexOf(':', 2);
    const stamped = colon > 0 && colon < tab;
    return {
      kind: 'event',
      format: kind,
      now: Number(record.slice(2, stamped ? colon : tab)),
      view: stamped ? Number(record.slice(colon + 1, tab)) : undefined,
      text: record.slice(tab + 1),
    };
  }
  return { kind: kind as ChangeKind, payload: JSON.parse(record.slice(2)) as unknown };
}

/** The enriched event an event record's text holds. */
export function parseLoggedEvent(format: EventFormat, text: string): EnrichedEvent {
  return format === 'T' ? parseEnrichedTsv(text) : normalizeEnrichedJson(JSON.parse(text));
}
