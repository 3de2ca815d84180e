/**
 * Reads and writes the enriched TSV that Snowplow Enrich puts on its output stream: one event
 * per line, 131 tab-separated columns (see `fields.ts`), empty = null, no quoting.
 *
 * `parseEnrichedTsv` is on the stream engine's hot path: it walks the tabs once, reads each
 * non-empty column in place with character tests (no regexes, no split), parses only the JSON
 * columns, and builds the object with the generated assembler of `enriched-event.ts`.
 */

import {
  CONTEXTS_WRAPPER,
  EnrichedEventError,
  UNSTRUCT_WRAPPER,
  addEntities,
  assembleEvent,
  getEventSchemas,
  isPlainObject,
  isoToTsvTimestamp,
  parseDecimalText,
  parseIgluUri,
  parseIntText,
  quote,
  readContextsColumn,
  readUnstructColumn,
  schemaKeys,
  attachSource,
  timestampToIso,
  typeName,
  type EnrichedEvent,
  type EnrichedEventSchemas,
  type ContextsColumn,
  type EventSource,
  type JsonColumnHandler,
  type SelfDescribingJson,
  type UnstructColumn,
} from './enriched-event.js';
import { regroupEntities } from './entities.js';
import { ENRICHED_FIELDS, ENRICHED_FIELD_COUNT, ENRICHED_FIELD_INDEX, type EnrichedFieldKind } from './fields.js';

export { EnrichedEventError } from './enriched-event.js';

// Per-column lookups flattened out of the field table so the loop reads arrays, not objects.
const KIND_CODE = {
  string: 0,
  timestamp: 1,
  int: 2,
  decimal: 3,
  bool: 4,
  'json-contexts': 5,
  'json-unstruct': 6,
} as const;
const NAMES: readonly string[] = ENRICHED_FIELDS.map((f) => f.name);
const KINDS: Uint8Array = Uint8Array.from(ENRICHED_FIELDS, (f) => KIND_CODE[f.kind as EnrichedFieldKind]);
const REQUIRED: readonly boolean[] = ENRICHED_FIELDS.map((f) => 'required' in f);
const LABELS: readonly string[] = ENRICHED_FIELDS.map((f, i) => `field ${i + 1} (${f.name})`);
const CONTEXTS = ENRICHED_FIELD_INDEX.get('contexts')!;
const UNSTRUCT_EVENT = ENRICHED_FIELD_INDEX.get('unstruct_event')!;
const DERIVED_CONTEXTS = ENRICHED_FIELD_INDEX.get('derived_contexts')!;

function fieldError(index: number, problem: string, cause?: unknown): EnrichedEventError {
  return new EnrichedEventError(`${LABELS[index]!}: ${problem}`, {
    field: NAMES[index]!,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Parses one enriched TSV line into the lossy JSON shape ({@link EnrichedEvent}).
 *
 * One trailing `\n` or `\r\n` is ignored. The line must have exactly 131 fields; every non-empty
 * field must be valid for its kind (timestamps `YYYY-MM-DD HH:MM:SS[.fff]`, integers, decimals,
 * `0`/`1`, JSON columns in their wrapper with valid Iglu URIs); `event_id`, `collector_tstamp`,
 * `v_collector` and `v_etl` must be present. The result remembers the full schema URIs so
 * {@link toEnrichedTsv} can write the line back exactly.
 *
 * @throws {EnrichedEventError} naming the field and the problem, e.g. `field 7 (event_id): required`.
 *
 * @example
 * ```ts
 * const event = parseEnrichedTsv(line)
 * event.event_id // '9a97609f-99d6-4e58-b2a4-99d8e9cfdfa2'
 * event.unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1 // { type: 'add_to_cart' }
 * ```
 */
export function parseEnrichedTsv(line: string): EnrichedEvent {
  let end = line.length;
  if (line.charCodeAt(end - 1) === 10) {
    end--;
    if (line.charCodeAt(end - 1) === 13) end--;
  }
  const state: ParseState = { line, end, source: undefined };
  const slots = SLOTS;
  // Walk the tabs instead of split(): empty columns (most of them) then cost no string at all.
  let start = 0;
  for (let i = 0; i < ENRICHED_FIELD_COUNT; i++) {
    const next = line.indexOf('\t', start);
    let stop: number;
    if (i < ENRICHED_FIELD_COUNT - 1) {
      if (next < 0 || next >= end) throw countError(line, end);
      stop = next;
    } else {
      if (next >= 0 && next < end) throw countError(line, end);
      stop = end;
    }
    if (stop === start) {
      if (REQUIRED[i]) throw lineError(state, i, 'required');
      slots[i] = undefined;
    } else {
      slots[i] = readColumn(state, i, start, stop);
    }
    start = stop + 1;
  }
  const out = assembleEvent(slots, putJsonColumn, state);
  if (state.source !== undefined) attachSource(out, state.source);
  return out;
}

interface ParseState {
  readonly line: string;
  readonly end: number;
  source: { -readonly [K in keyof EventSource]: EventSource[K] } | undefined;
}

// One converted value per column, reused: parsing is synchronous and calls no user code.
const SLOTS: unknown[] = new Array<unknown>(ENRICHED_FIELD_COUNT).fill(undefined);

function readColumn(state: ParseState, i: number, from: number, to: number): unknown {
  const line = state.line;
  switch (KINDS[i]) {
    case 0:
      return line.slice(from, to);
    case 1: {
      const iso = timestampToIso(line, false, from, to);
      if (iso === undefined) {
        throw lineError(
          state,
          i,
          `invalid timestamp ${quote(line.slice(from, to))}, expected YYYY-MM-DD HH:MM:SS[.fff]`,
        );
      }
      return iso;
    }
    case 2: {
      const n = parseIntText(line, from, to);
      if (n === undefined) throw lineError(state, i, `invalid integer ${quote(line.slice(from, to))}`);
      return n;
    }
    case 3: {
      const n = parseDecimalText(line.slice(from, to));
      if (n === undefined) throw lineError(state, i, `invalid decimal ${quote(line.slice(from, to))}`);
      return n;
    }
    case 4: {
      const c = to - from === 1 ? line.charCodeAt(from) : 0;
      if (c === 49) return true; // 1
      if (c === 48) return false; // 0
      throw lineError(state, i, `invalid boolean ${quote(line.slice(from, to))}, expected 0 or 1`);
    }
    case 5: {
      const column = readContextsColumn(parseJson(state, line.slice(from, to), i), (problem) => {
        throw lineError(state, i, problem);
      });
      state.source ??= {};
      if (i === DERIVED_CONTEXTS) state.source.derivedContexts = column;
      else state.source.contexts = column;
      return column;
    }
    default: {
      const column = readUnstructColumn(parseJson(state, line.slice(from, to), i), (problem) => {
        throw lineError(state, i, problem);
      });
      (state.source ??= {}).unstruct = column;
      return column;
    }
  }
}

const putJsonColumn: JsonColumnHandler<ParseState> = (out, index, value) => {
  if (value === undefined) return;
  if (KINDS[index] === KIND_CODE['json-contexts']) {
    addEntities(out, value as ContextsColumn, index === DERIVED_CONTEXTS);
  } else {
    const column = value as UnstructColumn;
    out[column.key] = column.data;
  }
};

function countError(line: string, end: number): EnrichedEventError {
  let count = 1;
  for (let tab = line.indexOf('\t'); tab >= 0 && tab < end; tab = line.indexOf('\t', tab + 1)) count++;
  return new EnrichedEventError(`expected ${ENRICHED_FIELD_COUNT} tab-separated fields, got ${count}`);
}

/** A column's error, unless the line has the wrong number of fields: that is reported first. */
function lineError(state: ParseState, index: number, problem: string, cause?: unknown): EnrichedEventError {
  const count = countError(state.line, state.end);
  if (!count.message.endsWith(` got ${ENRICHED_FIELD_COUNT}`)) return count;
  return fieldError(index, problem, cause);
}

function parseJson(state: ParseState, text: string, index: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw lineError(state, index, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/** Options of {@link toEnrichedTsv}. */
export interface ToEnrichedTsvOptions {
  /**
   * Full Iglu URI per `contexts_*` / `unstruct_event_*` key, for keys the event's side record
   * does not know (events built by hand, or read back from JSON text). Each URI must build its key.
   */
  readonly schemas?: Readonly<Record<string, string>>;
}

/**
 * Writes an event in the lossy JSON shape back as one enriched TSV line (no trailing newline).
 *
 * Column values must be in the canonical shape {@link parseEnrichedTsv} and
 * `normalizeEnrichedJson` produce (numbers, booleans, ISO timestamps); strings get Enrich's
 * clean-up (tab → four spaces, other control characters removed) so the line stays one line of
 * 131 fields. Entities are written back into `contexts` / `derived_contexts` (wrapper
 * `contexts/jsonschema/1-0-1` unless the event was read with another) and the event into
 * `unstruct_event`, with full URIs from the event's side record or `options.schemas`.
 *
 * Round trip: for a line Enrich wrote, `toEnrichedTsv(parseEnrichedTsv(line)) === line`, also
 * through `normalizeEnrichedJson`, and keys edited in between are written with the URIs and
 * order recorded for them. What is not restored: non-canonical number or timestamp text
 * (`12.50` → `12.5`, a missing `.fff` → `.000`), JSON string escapes, an empty entity list (`[]` is
 * written as an empty column, as Enrich does), and tracker entities that a derived entity with the
 * same key replaced in the lossy shape. An event rebuilt from JSON text has no side record: pass
 * `options.schemas` for its entity keys. `geo_location` is ignored (it is derived from the
 * coordinates).
 *
 * @throws {EnrichedEventError} for a missing required field, a value of the wrong type, an
 * unknown key, or an entity key whose Iglu URI is unknown.
 */
export function toEnrichedTsv(event: EnrichedEvent, options: ToEnrichedTsvOptions = {}): string {
  if (!isPlainObject(event)) throw new EnrichedEventError(`expected an event object, got ${typeName(event)}`);
  const columns: string[] = new Array<string>(ENRICHED_FIELD_COUNT).fill('');
  const contextsKeys: string[] = [];
  let unstructKeyFound: string | undefined;

  for (const key of Object.keys(event)) {
    if (ENRICHED_FIELD_INDEX.has(key) || key === 'geo_location') continue;
    if (key.startsWith('contexts_')) contextsKeys.push(key);
    else if (key.startsWith('unstruct_event_')) {
      if (unstructKeyFound !== undefined) {
        throw new EnrichedEventError(`two self-describing events: ${unstructKeyFound} and ${key}`, { field: key });
      }
      unstructKeyFound = key;
    } else {
      throw new EnrichedEventError(`unknown key ${quote(key)}`, { field: key });
    }
  }

  for (let i = 0; i < ENRICHED_FIELD_COUNT; i++) {
    const value = event[NAMES[i]!];
    if (value === undefined || value === null) {
      if (REQUIRED[i]) throw fieldError(i, 'required');
      continue;
    }
    columns[i] = formatColumn(i, value);
    if (columns[i] === '' && REQUIRED[i]) throw fieldError(i, 'required');
  }

  const recorded = getEventSchemas(event);
  const { contexts, derived } = collectEntities(event, contextsKeys, recorded, options);
  if (contexts.length > 0) {
    columns[CONTEXTS] = stringifyColumn(CONTEXTS, {
      schema: recorded?.contextsWrapper ?? CONTEXTS_WRAPPER,
      data: contexts,
    });
  }
  if (derived.length > 0) {
    columns[DERIVED_CONTEXTS] = stringifyColumn(DERIVED_CONTEXTS, {
      schema: recorded?.derivedContextsWrapper ?? CONTEXTS_WRAPPER,
      data: derived,
    });
  }
  if (unstructKeyFound !== undefined && event[unstructKeyFound] !== undefined && event[unstructKeyFound] !== null) {
    const data = event[unstructKeyFound];
    if (!isPlainObject(data)) {
      throw new EnrichedEventError(`${unstructKeyFound}: expected an object, got ${typeName(data)}`, {
        field: unstructKeyFound,
      });
    }
    const schema =
      recorded?.unstruct?.key === unstructKeyFound
        ? recorded.unstruct.schema
        : givenSchema(unstructKeyFound, options, 'unstructKey');
    columns[UNSTRUCT_EVENT] = stringifyColumn(UNSTRUCT_EVENT, {
      schema: recorded?.unstructWrapper ?? UNSTRUCT_WRAPPER,
      data: { schema, data },
    });
  }
  return columns.join('\t');
}

function stringifyColumn(index: number, value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // BigInt or a cycle somewhere in entity data.
    throw fieldError(index, `cannot write as JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function formatColumn(i: number, value: unknown): string {
  switch (KINDS[i]) {
    case 0:
      if (typeof value !== 'string') throw fieldError(i, `expected a string, got ${typeName(value)}`);
      return cleanString(value);
    case 1: {
      const iso = typeof value === 'string' ? timestampToIso(value, true) : undefined;
      if (iso === undefined) {
        throw fieldError(
          i,
          `invalid timestamp ${typeof value === 'string' ? quote(value) : typeName(value)}, expected YYYY-MM-DDTHH:MM:SS.fffZ`,
        );
      }
      return isoToTsvTimestamp(iso);
    }
    case 2:
      if (!Number.isSafeInteger(value)) throw fieldError(i, `expected an integer, got ${describe(value)}`);
      return String(value);
    case 3:
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw fieldError(i, `expected a finite number, got ${describe(value)}`);
      }
      return String(value);
    case 4:
      if (typeof value !== 'boolean') throw fieldError(i, `expected a boolean, got ${describe(value)}`);
      return value ? '1' : '0';
    default:
      throw fieldError(
        i,
        `not part of the lossy shape: entities go under contexts_* keys and the event under an unstruct_event_* key (normalizeEnrichedJson converts)`,
      );
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `string ${quote(value)}` : typeName(value);
}

/** Enrich's string clean-up: tab → four spaces, other control characters dropped. */
function cleanString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) {
       
      return s.replace(/\t/g, '    ').replace(/[\x00-\x1f\x7f]/g, '');
    }
  }
  return s;
}

/**
 * Checks the `contexts_*` arrays (this writer refuses what it cannot write, naming the key) and
 * regroups them into the two entity columns by the one rule of `regroupEntities`, with the URI
 * of a key the record does not know taken from `options.schemas`.
 */
function collectEntities(
  event: EnrichedEvent,
  keys: readonly string[],
  recorded: EnrichedEventSchemas | undefined,
  options: ToEnrichedTsvOptions,
): { contexts: SelfDescribingJson[]; derived: SelfDescribingJson[] } {
  const lists = new Map<string, readonly Record<string, unknown>[]>();
  for (const key of keys) {
    const list = event[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      throw new EnrichedEventError(`${key}: expected an array of entity objects, got ${typeName(list)}`, {
        field: key,
      });
    }
    for (let i = 0; i < list.length; i++) {
      if (!isPlainObject(list[i])) {
        throw new EnrichedEventError(`${key}[${i}]: expected an object, got ${typeName(list[i])}`, { field: key });
      }
    }
    lists.set(key, list as readonly Record<string, unknown>[]);
  }
  const { contexts, derivedContexts } = regroupEntities(lists, recorded?.entities, (key) => givenSchema(key, options, 'contextsKey'));
  return { contexts, derived: derivedContexts };
}

function givenSchema(key: string, options: ToEnrichedTsvOptions, kind: 'contextsKey' | 'unstructKey'): string {
  const schema = options.schemas?.[key];
  if (schema === undefined) {
    throw new EnrichedEventError(
      `${key}: Iglu schema URI unknown (the event has no record of it; pass it in options.schemas)`,
      { field: key },
    );
  }
  const keys = schemaKeys(schema);
  if (keys === null || keys[kind] !== key) {
    const problem = parseIgluUri(schema) === null ? 'is not a valid Iglu URI' : `does not build this key`;
    throw new EnrichedEventError(`${key}: options.schemas gives ${quote(schema)}, which ${problem}`, { field: key });
  }
  return schema;
}
