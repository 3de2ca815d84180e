/**
 * Step 2 of the minimal enrichment (reference §6, §1.2–1.3): one HTTP request → raw tracker
 * events. A tp2 POST carries a `payload_data` 1-0-x self-describing JSON whose `data` is a list
 * of flat string maps, each merged with the request's query parameters (the query wins); a GET
 * carries one event in its query string. Problems of the whole request (not JSON, wrong
 * wrapper, empty list) and of single events (not an object, a value that is not a string) are
 * told apart so the good events of a request still go through.
 */
import { parseIgluUri } from '@signalbox/core';
import { MAX_JSON_DEPTH, jsonText, nestsDeeperThan, tooDeepReason } from '@signalbox/core/internal';
import { MAX_PAYLOAD } from '../bad-rows/bad-rows.js';
import { clip } from './enrich/timestamps.js';
import { parseQueryString } from './enrich/url.js';
import type { RawEvent } from './enrich/index.js';

/**
 * One element of a request: a raw event, or why it cannot be one. An element with values that
 * are not strings also carries the rest of it (`partial`, without those parameters), so that
 * enrichment can report its other problems too.
 */
export type Expanded =
  | { position: number; ok: true; raw: RawEvent; payload: string }
  | { position: number; ok: false; reasons: string[]; payload: string; partial?: { raw: RawEvent; dropped: ReadonlySet<string> } };

export type ExpandedRequest =
  | { ok: true; events: Expanded[] }
  | { ok: false; kind: 'unsupported-media' | 'bad-payload'; reason: string };

/**
 * Events one tp2 request may carry. Trackers send a few per request (the JS tracker flushes at
 * 40 kB); the bound keeps a body of tiny junk elements from becoming a flood of bad rows.
 */
export const MAX_EVENTS_PER_TP2_REQUEST = 10_000;

/** A map keyed by parameter names a client chose: no prototype, so `__proto__` or `constructor` is just a name. */
function parameterMap(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/** Query-string parameters as one map; a repeated parameter keeps its last value. */
export function queryParameters(query: string): Record<string, string> {
  const params = parameterMap();
  for (const [name, value] of parseQueryString(query)) params[name] = value;
  return params;
}

/** `application/json` with any parameters (trackers send `application/json; charset=UTF-8`). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase() === 'application/json';
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function isPayloadDataSchema(schema: unknown): boolean {
  if (typeof schema !== 'string') return false;
  const ref = parseIgluUri(schema);
  return ref !== null && ref.vendor === 'com.snowplowanalytics.snowplow' && ref.name === 'payload_data' && ref.format === 'jsonschema' && ref.version.startsWith('1-0-');
}

/** Checks one element of `data`: an object whose every value is a string. */
export function readElement(element: unknown, position: number, query: Readonly<Record<string, string>>): Expanded {
  if (typeof element !== 'object' || element === null || Array.isArray(element)) {
    return { position, ok: false, reasons: [`event must be an object of string parameters, got ${typeName(element)}`], payload: JSON.stringify(element) ?? String(element) };
  }
  const record = element as Record<string, unknown>;
  let reasons: string[] | undefined;
  let dropped: Set<string> | undefined;
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'string') continue;
    (reasons ??= []).push(value === null ? `${clip(key, 40)}: value cannot be null` : `${clip(key, 40)}: value is not a string (got ${typeName(value)})`);
    (dropped ??= new Set()).add(key);
  }
  if (reasons !== undefined) {
    const raw = withQuery(record, query, dropped!);
    return { position, ok: false, reasons, payload: JSON.stringify(element), partial: { raw, dropped: dropped! } };
  }
  return {
    position,
    ok: true,
    raw: withQuery(record, query),
    get payload() {
      return JSON.stringify(element);
    },
  };
}

/** The element's string parameters merged with the query's (the query wins), without `dropped`. */
function withQuery(record: Readonly<Record<string, unknown>>, query: Readonly<Record<string, string>>, dropped?: ReadonlySet<string>): RawEvent {
  // JSON.parse makes plain objects whose keys are all own data properties (even "__proto__"),
  // so the element itself is the raw event unless parameters must be left out or merged in.
  if (dropped === undefined && Object.keys(query).length === 0) return record as RawEvent;
  const raw = parameterMap();
  for (const key in record) if (!dropped?.has(key)) raw[key] = record[key] as string;
  for (const key in query) raw[key] = query[key]!;
  return raw;
}

/** A tp2 POST body → its events. */
export function expandTp2Post(body: string, contentType: string | undefined, query: Readonly<Record<string, string>>): ExpandedRequest {
  if (!isJsonContentType(contentType)) {
    return {
      ok: false,
      kind: 'unsupported-media',
      reason: `content type must be application/json, got ${contentType === undefined ? 'none' : JSON.stringify(clip(contentType))}`,
    };
  }
  if (body.trim() === '') return { ok: false, kind: 'bad-payload', reason: 'empty body: expected a payload_data JSON object' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return { ok: false, kind: 'bad-payload', reason: `body is not JSON: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, kind: 'bad-payload', reason: `body must be a payload_data object {schema, data}, got ${typeName(parsed)}` };
  }
  const { schema, data } = parsed as Record<string, unknown>;
  if (!isPayloadDataSchema(schema)) {
    const got = typeof schema === 'string' ? JSON.stringify(clip(schema)) : typeName(schema);
    return { ok: false, kind: 'bad-payload', reason: `schema must be iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-x, got ${got}` };
  }
  if (!Array.isArray(data)) return { ok: false, kind: 'bad-payload', reason: `data must be an array of events, got ${typeName(data)}` };
  if (data.length === 0) return { ok: false, kind: 'bad-payload', reason: 'data is an empty array: expected at least one event' };
  if (data.length > MAX_EVENTS_PER_TP2_REQUEST) {
    return { ok: false, kind: 'bad-payload', reason: `data holds ${data.length} events, more than the ${MAX_EVENTS_PER_TP2_REQUEST} a request may carry` };
  }
  return { ok: true, events: data.map((element, i) => (nestsDeeperThan(element, MAX_JSON_DEPTH) ? tooDeepElement(element, i) : readElement(element, i, query))) };
}

/**
 * An element nested past the bound: rejected before anything recurses into it, and kept as a
 * bad row as sent (written by core's stack-free `jsonText`).
 */
function tooDeepElement(element: unknown, position: number): Expanded {
  return { position, ok: false, reasons: [`event ${tooDeepReason(MAX_JSON_DEPTH)}; an event is an object of string parameters`], payload: jsonText(element, MAX_PAYLOAD) };
}

/** A GET (`/i`, or the tp2 path): the query string is the event. */
export function expandGet(query: Readonly<Record<string, string>>, rawQuery: string): ExpandedRequest {
  return { ok: true, events: [{ position: 0, ok: true, raw: query, payload: rawQuery }] };
}
