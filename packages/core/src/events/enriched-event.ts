/**
 * The enriched event shape every Signalbox component works with, and the rules shared by its
 * two readers (TSV in `tsv.ts`, JSON in `json.ts`): Iglu URIs, the `contexts_*` /
 * `unstruct_event_*` key names, timestamp notation, the self-describing JSON columns, and the
 * side record that lets a parsed event be written back to TSV exactly.
 */

import { MAX_JSON_DEPTH, nestsDeeperThan, tooDeepReason } from '../json-limits.js';
import { ENRICHED_FIELDS } from './fields.js';

/**
 * One Snowplow enriched event in the analytics-SDK ("lossy", "shredded") JSON shape: what
 * `snowplow-analytics-sdk` `transform()` and Micro's `--output-json` produce, with the choices
 * below where the SDKs disagree.
 *
 * - Every non-JSON column of the 131 is a key of the same (Enrich) name, e.g. `refr_dvce_tstamp`.
 *   Empty columns are **omitted**, never `null`.
 * - `int` and `decimal` columns are JSON numbers. That includes `se_value` (the JS and Python
 *   SDKs keep it a string; the Scala SDK and Signalbox make it a number) and `geo_latitude` /
 *   `geo_longitude`.
 * - `bool` columns are `true` / `false`.
 * - Timestamps are ISO-8601 UTC with exactly three fraction digits: `2025-05-01T10:00:00.250Z`.
 *   `.000` is kept (unlike the Scala SDK, which drops it), so the text always has one length.
 * - `geo_location` = `"<lat>,<lon>"` is added when both coordinates are set.
 * - Each entity of `contexts` and `derived_contexts` goes under
 *   `contexts_<vendor>_<name>_<model>` (see {@link entityKey}); the value is the array of the
 *   entities' `data` objects in order. Derived entities share the key space and a derived key
 *   replaces a tracker key of the same name, as in the SDKs.
 * - The self-describing event goes under `unstruct_event_<vendor>_<name>_<model>` (see
 *   {@link unstructKey}) as its `data` object.
 * - The JSON columns themselves (`contexts`, `derived_contexts`, `unstruct_event`) are not keys.
 *
 * The shape drops what a TSV line needs to be rebuilt: the full Iglu URI of each entity (keys keep
 * only the model, and turn `.` into `_` so the vendor cannot be recovered), which entities were
 * derived, and their order across keys. Events made by `parseEnrichedTsv` or
 * `normalizeEnrichedJson` therefore carry a side record of those facts
 * ({@link EnrichedEventSchemas}, read with {@link getEventSchemas}). It sits in a non-enumerable
 * symbol property, so it never shows in `JSON.stringify`, `Object.keys`, `for...in` or test
 * equality, and a copy (`{...event}`, `structuredClone`, a JSON round trip) does not carry it.
 *
 * @example
 * ```ts
 * const event = parseEnrichedTsv(line)
 * event.collector_tstamp // '2025-05-01T10:00:20.150Z'
 * event.contexts_com_snowplowanalytics_snowplow_ecommerce_product_1 // [{ id: 'SKU-1', ... }]
 * ```
 */
export type EnrichedEvent = Record<string, unknown>;

/** Stable code of every {@link EnrichedEventError}. */
export const ENRICHED_EVENT_INVALID = 'SIGNALBOX_ERR_EVENT_INVALID';

/**
 * A TSV line or JSON value that is not a valid enriched event. `message` says which field and
 * what is wrong, e.g. `field 7 (event_id): required`; `field` is the field or key name when the
 * problem belongs to one.
 */
export class EnrichedEventError extends Error {
  override readonly name = 'EnrichedEventError';
  readonly code = ENRICHED_EVENT_INVALID;
  readonly field?: string;

  constructor(message: string, options?: { readonly field?: string; readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.field !== undefined) this.field = options.field;
  }
}

// ---------------------------------------------------------------------------------------------
// Iglu URIs and key names

/** The parts of an `iglu:<vendor>/<name>/<format>/<M-R-A>` schema URI. */
export interface IgluSchemaRef {
  readonly vendor: string;
  readonly name: string;
  readonly format: string;
  /** SchemaVer `MODEL-REVISION-ADDITION`, e.g. `1-0-2`. */
  readonly version: string;
  /** MODEL, the first number of the version. */
  readonly major: number;
}

/**
 * Parses an Iglu schema URI, or returns `null` when it is not one. Follows the strict form the
 * analytics SDKs check: vendor `[a-zA-Z0-9-_.]+`, name and format `[a-zA-Z0-9-_]+`, version
 * `M-R-A` with no leading zeros and MODEL ≥ 1.
 *
 * @example
 * ```ts
 * parseIgluUri('iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0')
 * // { vendor: 'com.snowplowanalytics.snowplow', name: 'web_page', format: 'jsonschema', version: '1-0-0', major: 1 }
 * ```
 */
export function parseIgluUri(uri: string): IgluSchemaRef | null {
  if (typeof uri !== 'string' || !uri.startsWith('iglu:')) return null;
  const vendorEnd = uri.indexOf('/', 5);
  if (vendorEnd < 0) return null;
  const nameEnd = uri.indexOf('/', vendorEnd + 1);
  if (nameEnd < 0) return null;
  const formatEnd = uri.indexOf('/', nameEnd + 1);
  if (formatEnd < 0) return null;
  if (
    !isIgluSegment(uri, 5, vendorEnd, true) ||
    !isIgluSegment(uri, vendorEnd + 1, nameEnd, false) ||
    !isIgluSegment(uri, nameEnd + 1, formatEnd, false)
  ) {
    return null;
  }
  const major = parseSchemaVer(uri, formatEnd + 1);
  if (major < 0) return null;
  return {
    vendor: uri.slice(5, vendorEnd),
    name: uri.slice(vendorEnd + 1, nameEnd),
    format: uri.slice(nameEnd + 1, formatEnd),
    version: uri.slice(formatEnd + 1),
    major,
  };
}

function isIgluSegment(s: string, start: number, end: number, dotAllowed: boolean): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 97 && c <= 122) || // a-z
      (c >= 65 && c <= 90) || // A-Z
      (c >= 48 && c <= 57) || // 0-9
      c === 45 || // -
      c === 95 || // _
      (dotAllowed && c === 46); // .
    if (!ok) return false;
  }
  return true;
}

/** Returns MODEL of the `M-R-A` that runs from `start` to the end of `s`, or -1. */
function parseSchemaVer(s: string, start: number): number {
  let major = -1;
  let part = 0;
  let i = start;
  while (part < 3) {
    const partStart = i;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    const digits = i - partStart;
    if (digits === 0 || digits > 9) return -1;
    const first = s.charCodeAt(partStart);
    if (digits > 1 && first === 48) return -1; // no leading zeros
    if (part === 0) {
      if (first === 48) return -1; // MODEL starts at 1
      major = Number(s.slice(partStart, i));
    }
    part++;
    if (part < 3) {
      if (s.charCodeAt(i) !== 45) return -1;
      i++;
    }
  }
  return i === s.length ? major : -1;
}

function keyVendor(vendor: string): string {
  return vendor.replace(/[.-]/g, '_').toLowerCase();
}

/** CamelCase → snake_case: `_` between a character that is not A-Z or `_` and a following A-Z. */
function keyName(name: string): string {
  let out = '';
  let from = 0;
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 65 || c > 90) continue;
    const prev = name.charCodeAt(i - 1);
    if ((prev >= 65 && prev <= 90) || prev === 95) continue;
    out += name.slice(from, i) + '_';
    from = i;
  }
  out += name.slice(from);
  return out.replace(/-/g, '_').toLowerCase();
}

/**
 * The lossy-JSON key of an entity: `contexts_<vendor>_<name>_<model>`. Vendor: `.` and `-` become
 * `_`, lower case. Name: CamelCase becomes snake_case, then `-` becomes `_`, lower case.
 *
 * @example
 * ```ts
 * entityKey('org.w3', 'PerformanceTiming', 1) // 'contexts_org_w3_performance_timing_1'
 * ```
 */
export function entityKey(vendor: string, name: string, major: number): string {
  return `contexts_${keyVendor(vendor)}_${keyName(name)}_${major}`;
}

/**
 * The lossy-JSON key of a self-describing event: `unstruct_event_<vendor>_<name>_<model>`, built
 * like {@link entityKey}.
 *
 * @example
 * ```ts
 * unstructKey('com.snowplowanalytics.snowplow', 'link_click', 1)
 * // 'unstruct_event_com_snowplowanalytics_snowplow_link_click_1'
 * ```
 */
export function unstructKey(vendor: string, name: string, major: number): string {
  return `unstruct_event_${keyVendor(vendor)}_${keyName(name)}_${major}`;
}

interface KnownSchema {
  readonly contextsKey: string;
  readonly unstructKey: string;
}

// Real streams use a few dozen schemas, so caching the keys per URI takes the string work off the
// hot path. The bound only guards against a stream of junk URIs.
const schemaCache = new Map<string, KnownSchema | null>();
const SCHEMA_CACHE_LIMIT = 4096;

/** Keys for a schema URI, or `null` when it is not a valid Iglu URI. Cached. */
export function schemaKeys(uri: string): KnownSchema | null {
  const hit = schemaCache.get(uri);
  if (hit !== undefined) return hit;
  const ref = parseIgluUri(uri);
  const known =
    ref === null
      ? null
      : {
          contextsKey: entityKey(ref.vendor, ref.name, ref.major),
          unstructKey: unstructKey(ref.vendor, ref.name, ref.major),
        };
  if (schemaCache.size >= SCHEMA_CACHE_LIMIT) schemaCache.clear();
  schemaCache.set(uri, known);
  return known;
}

// ---------------------------------------------------------------------------------------------
// The side record: what the lossy shape cannot hold

/** One entity of a parsed event: the nth record for a key is the nth element of that key's array. */
export interface EntitySchema {
  readonly key: string;
  /** Full Iglu URI, e.g. `iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0`. */
  readonly schema: string;
  /** Came from `derived_contexts` rather than `contexts`. */
  readonly derived: boolean;
}

/**
 * What `toEnrichedTsv` needs beyond the lossy shape to rebuild the JSON columns exactly: every
 * entity's full Iglu URI, its origin and their order across keys, the event's full URI and the
 * wrapper URIs as read (Enrich writes contexts `1-0-1`; older data has `1-0-0`).
 */
export interface EnrichedEventSchemas {
  readonly entities: readonly EntitySchema[];
  readonly unstruct?: { readonly key: string; readonly schema: string };
  readonly contextsWrapper?: string;
  readonly derivedContextsWrapper?: string;
  readonly unstructWrapper?: string;
}

/** The JSON columns as read, kept beside the event they were read into. */
export interface EventSource {
  readonly contexts?: ContextsColumn;
  readonly derivedContexts?: ContextsColumn;
  readonly unstruct?: UnstructColumn;
}

// Kept as a non-enumerable symbol property: invisible to Object.keys, JSON.stringify, spread and
// test equality, and cheap to attach (a WeakMap entry cost about a tenth of the whole parse).
const SOURCE = Symbol('signalbox.enrichedEvent.source');

/** @internal Keeps the JSON columns as read beside the event; used by the readers in this folder. */
export function attachSource(event: EnrichedEvent, source: EventSource): void {
  Object.defineProperty(event, SOURCE, { value: source });
}

/** @internal The JSON columns an event was read from, if it was read by this module. */
export function getSource(event: object): EventSource | undefined {
  return (event as { [SOURCE]?: EventSource })[SOURCE];
}

/**
 * The side record of an event made by `parseEnrichedTsv` or `normalizeEnrichedJson` (from TSV,
 * from the non-lossy JSON shape, or from an event that had one), or `undefined`.
 */
export function getEventSchemas(event: EnrichedEvent): EnrichedEventSchemas | undefined {
  const source = getSource(event);
  if (source === undefined) return undefined;
  const entities: EntitySchema[] = [];
  const { contexts, derivedContexts, unstruct } = source;
  if (contexts !== undefined) {
    contexts.keys.forEach((key, i) => entities.push({ key, schema: contexts.list[i]!.schema, derived: false }));
  }
  if (derivedContexts !== undefined) {
    const replaced = new Set<string>();
    derivedContexts.keys.forEach((key, i) => {
      if (!replaced.has(key)) {
        // As in addEntities: the first derived entity of a key replaces the tracker's ones.
        replaced.add(key);
        for (let j = entities.length - 1; j >= 0; j--) if (entities[j]!.key === key) entities.splice(j, 1);
      }
      entities.push({ key, schema: derivedContexts.list[i]!.schema, derived: true });
    });
  }
  return {
    entities,
    ...(unstruct === undefined
      ? {}
      : { unstruct: { key: unstruct.key, schema: unstruct.schema }, unstructWrapper: unstruct.wrapper }),
    ...(contexts === undefined ? {} : { contextsWrapper: contexts.wrapper }),
    ...(derivedContexts === undefined ? {} : { derivedContextsWrapper: derivedContexts.wrapper }),
  };
}

// ---------------------------------------------------------------------------------------------
// Timestamps

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -100; // any sum with -100 is out of every range below
}

/**
 * Reads `YYYY-MM-DD HH:MM:SS[.f|.ff|.fff]` (the TSV notation) and, when `iso` is true, also
 * `YYYY-MM-DDTHH:MM:SS[.fff]Z`; returns the canonical `YYYY-MM-DDTHH:MM:SS.fffZ`, or `undefined`.
 * `from` / `to` select a part of `s`, so the TSV reader needs no slice of its own.
 */
export function timestampToIso(s: string, iso: boolean, from = 0, to = s.length): string | undefined {
  const length = to - from;
  const sep = s.charCodeAt(from + 10);
  const isIso = sep === 84; // T
  if (!isIso && sep !== 32) return undefined;
  if (isIso && !iso) return undefined;
  const end = isIso ? length - 1 : length; // relative to from
  if (isIso && s.charCodeAt(from + end) !== 90) return undefined; // Z
  const fraction = end - 20; // digits after the dot, when there is one
  if (end !== 19 && (s.charCodeAt(from + 19) !== 46 || fraction < 1 || fraction > 3)) return undefined;
  if (
    s.charCodeAt(from + 4) !== 45 ||
    s.charCodeAt(from + 7) !== 45 ||
    s.charCodeAt(from + 13) !== 58 ||
    s.charCodeAt(from + 16) !== 58
  ) {
    return undefined;
  }
  const year = digit(s, from) * 1000 + digit(s, from + 1) * 100 + digit(s, from + 2) * 10 + digit(s, from + 3);
  const month = digit(s, from + 5) * 10 + digit(s, from + 6);
  const day = digit(s, from + 8) * 10 + digit(s, from + 9);
  const hour = digit(s, from + 11) * 10 + digit(s, from + 12);
  const minute = digit(s, from + 14) * 10 + digit(s, from + 15);
  const second = digit(s, from + 17) * 10 + digit(s, from + 18);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return undefined;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  if (day > DAYS_IN_MONTH[month]! || (month === 2 && day === 29 && !isLeapYear(year))) return undefined;
  for (let i = 20; i < end; i++) if (digit(s, from + i) < 0) return undefined;
  if (isIso && fraction === 3) return from === 0 && to === s.length ? s : s.slice(from, to);
  const head = s.slice(from, from + 10) + 'T' + s.slice(from + 11, from + 19);
  switch (fraction) {
    case 3:
      return head + s.slice(from + 19, from + 23) + 'Z';
    case 2:
      return head + s.slice(from + 19, from + 22) + '0Z';
    case 1:
      return head + s.slice(from + 19, from + 21) + '00Z';
    default:
      return head + '.000Z';
  }
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Canonical ISO (`timestampToIso` output) → `YYYY-MM-DD HH:MM:SS.fff`. */
export function isoToTsvTimestamp(iso: string): string {
  return iso.slice(0, 10) + ' ' + iso.slice(11, 23);
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** `-?[0-9]+` (the whole of `s`, or `s` from `from` to `to`) as a safe integer, or `undefined`. */
export function parseIntText(s: string, from = 0, to = s.length): number | undefined {
  const negative = s.charCodeAt(from) === 45;
  let i = negative ? from + 1 : from;
  if (i >= to || to - i > 16) return to - i > 16 ? parseLongInt(s, i, to, negative) : undefined;
  let n = 0;
  for (; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  if (!Number.isSafeInteger(n)) return undefined;
  return negative ? -n : n;
}

/** Leading zeros can make a small number long; anything else this long is out of range. */
function parseLongInt(s: string, from: number, to: number, negative: boolean): number | undefined {
  while (from < to - 1 && s.charCodeAt(from) === 48) from++;
  if (to - from > 16) return undefined;
  const n = parseIntText(s, from, to);
  return n === undefined ? undefined : negative ? -n : n;
}

/** Base-10 number text (`12.5`, `-0.25`, `1E+3`, as Java's `BigDecimal.toString` writes) as a finite number, or `undefined`. */
export function parseDecimalText(text: string): number | undefined {
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === 45 || c === 43) i++;
  let digits = 0;
  let dot = false;
  for (; i < text.length; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && !dot) dot = true;
    else break;
  }
  if (digits === 0) return undefined;
  if (i < text.length) {
    if (c !== 101 && c !== 69) return undefined; // e E
    i++;
    c = text.charCodeAt(i);
    if (c === 45 || c === 43) i++;
    if (i === text.length) return undefined;
    for (; i < text.length; i++) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
    }
  }
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

// ---------------------------------------------------------------------------------------------
// Building the lossy object

/** Called where a JSON column sits in the column order, to put its keys there. */
export type JsonColumnHandler<S> = (out: EnrichedEvent, index: number, value: unknown, state: S) => void;

/**
 * Builds the lossy object from one converted value per column (`undefined` = absent), keys in
 * column order, `geo_location` after `geo_longitude`, and the JSON columns' keys added by
 * `onJson` at their places.
 */
export type EventAssembler = <S>(slots: readonly unknown[], onJson: JsonColumnHandler<S>, state: S) => EnrichedEvent;

/**
 * The assembler is generated from the field table once, at load. Writing each key through a
 * computed name (`out[NAMES[i]] = v`) makes one store site see ~60 names and V8 falls back to its
 * slowest keyed store; a literal name per column keeps each store on the fast path, which made the
 * whole parse about 1.5x as fast. The names come from `fields.ts`, never from input.
 */
function compileAssembler(): EventAssembler {
  const lines = ['"use strict";', 'const o = {};', 'let v;'];
  ENRICHED_FIELDS.forEach((field, i) => {
    const name = JSON.stringify(field.name);
    if (field.kind === 'json-contexts' || field.kind === 'json-unstruct') {
      lines.push(`onJson(o, ${i}, slots[${i}], state);`);
      return;
    }
    lines.push(`v = slots[${i}]; if (v !== undefined) o[${name}] = v;`);
    if (field.name === 'geo_longitude') {
      const lat = ENRICHED_FIELDS.findIndex((f) => f.name === 'geo_latitude');
      lines.push(
        `if (v !== undefined && slots[${lat}] !== undefined) o.geo_location = String(slots[${lat}]) + "," + String(v);`,
      );
    }
  });
  lines.push('return o;');
   
  return new Function('slots', 'onJson', 'state', lines.join('\n')) as EventAssembler;
}

export const assembleEvent: EventAssembler = compileAssembler();

// ---------------------------------------------------------------------------------------------
// The JSON columns

/** A self-describing JSON `{schema, data}` whose schema is a valid Iglu URI. */
export interface SelfDescribingJson {
  readonly schema: string;
  readonly data: Record<string, unknown>;
}

/** A checked `contexts` / `derived_contexts` column: its entities as read and their lossy keys. */
export interface ContextsColumn {
  readonly wrapper: string;
  readonly list: readonly SelfDescribingJson[];
  readonly keys: readonly string[];
}

/** A checked `unstruct_event` column: the inner event's URI, lossy key and data. */
export interface UnstructColumn {
  readonly wrapper: string;
  readonly schema: string;
  readonly key: string;
  readonly data: Record<string, unknown>;
}

export const CONTEXTS_WRAPPER = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1';
export const UNSTRUCT_WRAPPER = 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `describe(value)` for messages: the JSON type name. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Quotes a value for an error message, cut short: messages end up in logs. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? text.slice(0, 77) + '...' : text);
}

function isWrapper(uri: unknown, name: string): boolean {
  if (typeof uri !== 'string') return false;
  if (uri === CONTEXTS_WRAPPER || uri === UNSTRUCT_WRAPPER) return uri.includes(`/${name}/`); // the usual case, no parsing
  const ref = parseIgluUri(uri);
  return (
    ref !== null &&
    ref.vendor === 'com.snowplowanalytics.snowplow' &&
    ref.name === name &&
    ref.format === 'jsonschema' &&
    ref.major === 1
  );
}

/** Checks one `{schema, data}` and returns its keys. */
function checkSelfDescribing(value: unknown, where: string, fail: (problem: string) => never): KnownSchema {
  if (!isPlainObject(value)) fail(`${where} must be an object {schema, data}, got ${typeName(value)}`);
  const schema = value.schema;
  if (typeof schema !== 'string') fail(`${where}.schema must be a string, got ${typeName(schema)}`);
  const keys = schemaKeys(schema);
  if (keys === null) fail(`${where}.schema is not a valid Iglu URI: ${quote(schema)}`);
  if (!isPlainObject(value.data)) fail(`${where}.data must be an object, got ${typeName(value.data)}`);
  // Nothing else bounds what trackers put in `data`, and everything downstream recurses into it.
  if (nestsDeeperThan(value.data, MAX_JSON_DEPTH)) fail(`${where}.data ${tooDeepReason(MAX_JSON_DEPTH)}`);
  return keys;
}

/**
 * Checks a `contexts` / `derived_contexts` value (already JSON-parsed): a contexts 1-x-x wrapper
 * whose `data` is an array of `{schema, data}` with valid Iglu URIs.
 */
export function readContextsColumn(value: unknown, fail: (problem: string) => never): ContextsColumn {
  if (!isPlainObject(value)) fail(`expected a contexts object {schema, data}, got ${typeName(value)}`);
  if (!isWrapper(value.schema, 'contexts')) {
    fail(
      `schema must be iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-x-x, got ${describeSchema(value.schema)}`,
    );
  }
  const list: unknown = value.data;
  if (!Array.isArray(list)) fail(`data must be an array of entities, got ${typeName(list)}`);
  const keys = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) keys[i] = checkSelfDescribing(list[i], `data[${i}]`, fail).contextsKey;
  return { wrapper: value.schema as string, list: list as SelfDescribingJson[], keys };
}

/**
 * Checks an `unstruct_event` value (already JSON-parsed): an unstruct_event 1-x-x wrapper whose
 * `data` is one `{schema, data}` with a valid Iglu URI.
 */
export function readUnstructColumn(value: unknown, fail: (problem: string) => never): UnstructColumn {
  if (!isPlainObject(value)) fail(`expected an unstruct_event object {schema, data}, got ${typeName(value)}`);
  if (!isWrapper(value.schema, 'unstruct_event')) {
    fail(
      `schema must be iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-x-x, got ${describeSchema(value.schema)}`,
    );
  }
  const inner = value.data;
  const keys = checkSelfDescribing(inner, 'data', fail);
  const event = inner as SelfDescribingJson;
  return { wrapper: value.schema as string, schema: event.schema, key: keys.unstructKey, data: event.data };
}

function describeSchema(schema: unknown): string {
  return typeof schema === 'string' ? quote(schema) : typeName(schema);
}

/**
 * Puts the entities of one JSON column under their lossy keys. A derived column replaces tracker
 * keys it shares (the SDKs' behaviour); `getEventSchemas` mirrors this.
 */
export function addEntities(out: EnrichedEvent, column: ContextsColumn, derived: boolean): void {
  let replaced: Set<string> | undefined;
  for (let i = 0; i < column.keys.length; i++) {
    const key = column.keys[i]!;
    const data = column.list[i]!.data;
    const existing = out[key] as unknown[] | undefined;
    if (existing === undefined) {
      out[key] = [data];
      if (derived) (replaced ??= new Set()).add(key);
    } else if (derived && !(replaced ??= new Set()).has(key)) {
      out[key] = [data];
      replaced.add(key);
    } else {
      existing.push(data);
    }
  }
}
