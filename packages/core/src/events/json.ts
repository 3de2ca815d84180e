/**
 * Accepts one enriched event as JSON from the outside (HTTP ingestion, Micro's `/micro/good`,
 * files of SDK output, test fixtures) and returns it in Signalbox's lossy shape, or says why it
 * is not an event.
 *
 * Two input shapes are understood, told apart key by key:
 * - lossy (analytics-SDK `transform()`, Micro `--output-json`): `contexts_*` arrays and an
 *   `unstruct_event_*` object; also with the Scala SDK's `null`s and `.000`-less timestamps;
 * - non-lossy (Scala `toJson(false)`, Micro's `event`): the 131 keys, with `contexts`,
 *   `derived_contexts` and `unstruct_event` as wrapper objects or as their JSON text.
 * One event must not mix them.
 */

import {
  EnrichedEventError,
  addEntities,
  assembleEvent,
  attachSource,
  getSource,
  isPlainObject,
  parseDecimalText,
  parseIntText,
  quote,
  readContextsColumn,
  readUnstructColumn,
  timestampToIso,
  typeName,
  type ContextsColumn,
  type EnrichedEvent,
  type EventSource,
  type JsonColumnHandler,
  type UnstructColumn,
} from './enriched-event.js';
import { ENRICHED_FIELDS, ENRICHED_FIELD_COUNT, ENRICHED_FIELD_INDEX, type EnrichedFieldKind } from './fields.js';
import { MAX_JSON_DEPTH, nestsDeeperThan, tooDeepReason } from '../json-limits.js';

/**
 * What the JS and Python analytics SDKs call column 122; read as `refr_dvce_tstamp`.
 */
const SDK_ALIASES: ReadonlyMap<string, string> = new Map([['refr_device_tstamp', 'refr_dvce_tstamp']]);

/** Lossy keys as the SDKs build them: lower case, digits, `_`, ending in `_<model>`. */
function isLossyKey(key: string, prefixLength: number): boolean {
  let lastUnderscore = -1;
  for (let i = prefixLength; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 95) lastUnderscore = i;
    else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return false;
  }
  if (lastUnderscore <= prefixLength || lastUnderscore === key.length - 1) return false;
  for (let i = lastUnderscore + 1; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return key.charCodeAt(lastUnderscore + 1) !== 48;
}

function keyError(key: string, problem: string, cause?: unknown): EnrichedEventError {
  return new EnrichedEventError(`${key}: ${problem}`, { field: key, ...(cause === undefined ? {} : { cause }) });
}

/**
 * Turns one enriched event given as JSON (lossy or non-lossy shape, see the module notes) into
 * the lossy shape ({@link EnrichedEvent}): numbers given as strings become numbers, `0`/`1` and
 * `"true"`/`"false"` become booleans, timestamps (`2025-05-01T10:00:00.25Z`,
 * `2025-05-01 10:00:00.250`) become `2025-05-01T10:00:00.250Z`, `null` and `""` are dropped,
 * `geo_location` is recomputed, `refr_device_tstamp` is read as `refr_dvce_tstamp`.
 *
 * The result is a new object; entity and event `data` objects are shared with the input, not
 * copied. From the non-lossy shape, or from an event that already had one, the result keeps the
 * side record of Iglu URIs that `toEnrichedTsv` needs.
 *
 * @throws {EnrichedEventError} when the value is not an event: not a plain object, missing
 * `event_id` or `collector_tstamp`, a value of the wrong type, an invalid Iglu URI or wrapper,
 * entity or event data nested more than `MAX_JSON_DEPTH` levels, or a key that is neither a
 * column nor `contexts_*` / `unstruct_event_*`.
 *
 * @example
 * ```ts
 * normalizeEnrichedJson({ event_id: 'e1', collector_tstamp: '2025-05-01 10:00:00.250', se_value: '12.5' })
 * // { collector_tstamp: '2025-05-01T10:00:00.250Z', event_id: 'e1', se_value: 12.5 }
 * ```
 */
export function normalizeEnrichedJson(value: unknown): EnrichedEvent {
  if (!isPlainObject(value)) {
    throw new EnrichedEventError(`expected an event object, got ${typeName(value)}`);
  }

  const columns = new Map<number, { key: string; value: unknown }>();
  const lossyContexts: string[] = [];
  let lossyUnstruct: string | undefined;
  for (const key of Object.keys(value)) {
    const index = ENRICHED_FIELD_INDEX.get(SDK_ALIASES.get(key) ?? key);
    if (index !== undefined) {
      const seen = columns.get(index);
      if (seen !== undefined) throw keyError(key, `duplicates ${seen.key}`);
      columns.set(index, { key, value: value[key] });
    } else if (key === 'geo_location') {
      const location = value[key];
      if (location !== null && typeof location !== 'string') {
        throw keyError(key, `expected a string, got ${typeName(location)}`);
      }
    } else if (key.startsWith('contexts_')) {
      if (!isLossyKey(key, 9)) throw keyError(key, 'not a contexts_<vendor>_<name>_<model> key');
      lossyContexts.push(key);
    } else if (key.startsWith('unstruct_event_')) {
      if (!isLossyKey(key, 15)) throw keyError(key, 'not an unstruct_event_<vendor>_<name>_<model> key');
      if (lossyUnstruct !== undefined) throw keyError(key, `a second self-describing event (after ${lossyUnstruct})`);
      lossyUnstruct = key;
    } else {
      throw keyError(key, 'unknown key: not an enriched field, contexts_* or unstruct_event_*');
    }
  }

  const slots = new Array<unknown>(ENRICHED_FIELD_COUNT).fill(undefined);
  const source: { -readonly [K in keyof EventSource]: EventSource[K] } = {};
  let nonLossy: string | undefined;

  for (let i = 0; i < ENRICHED_FIELD_COUNT; i++) {
    const field = ENRICHED_FIELDS[i]!;
    const given = columns.get(i);
    const raw = given?.value;
    if (raw === undefined || raw === null || raw === '') {
      // JSON needs only the two ids to mean an event; v_collector / v_etl are checked on the way to TSV.
      if (field.name === 'event_id' || field.name === 'collector_tstamp') throw keyError(field.name, 'required');
      continue;
    }
    const key = given!.key;
    slots[i] = readValue(field.kind, key, raw);
    if (field.kind === 'json-contexts' || field.kind === 'json-unstruct') {
      nonLossy = key;
      if (field.name === 'contexts') source.contexts = slots[i] as ContextsColumn;
      else if (field.name === 'derived_contexts') source.derivedContexts = slots[i] as ContextsColumn;
      else source.unstruct = slots[i] as UnstructColumn;
    }
  }

  const mixed = lossyUnstruct ?? lossyContexts[0];
  if (nonLossy !== undefined && mixed !== undefined) {
    throw keyError(mixed, `mixes the lossy shape with the non-lossy ${nonLossy} column; give one or the other`);
  }
  const out = assembleEvent(slots, putJsonColumn, { input: value, lossyContexts, lossyUnstruct });
  const carried = nonLossy !== undefined ? source : getSource(value);
  if (carried !== undefined) attachSource(out, carried);
  return out;
}

function readValue(kind: EnrichedFieldKind, key: string, raw: unknown): unknown {
  switch (kind) {
    case 'string':
      if (typeof raw !== 'string') throw keyError(key, `expected a string, got ${typeName(raw)}`);
      return raw;
    case 'timestamp': {
      const iso = typeof raw === 'string' ? timestampToIso(raw, true) : undefined;
      if (iso === undefined) {
        throw keyError(
          key,
          `invalid timestamp ${describe(raw)}, expected YYYY-MM-DDTHH:MM:SS[.fff]Z or YYYY-MM-DD HH:MM:SS[.fff]`,
        );
      }
      return iso;
    }
    case 'int': {
      const n = typeof raw === 'string' ? parseIntText(raw) : Number.isSafeInteger(raw) ? (raw as number) : undefined;
      if (n === undefined) throw keyError(key, `expected an integer, got ${describe(raw)}`);
      return n;
    }
    case 'decimal': {
      const n =
        typeof raw === 'string'
          ? parseDecimalText(raw)
          : typeof raw === 'number' && Number.isFinite(raw)
            ? raw
            : undefined;
      if (n === undefined) throw keyError(key, `expected a number, got ${describe(raw)}`);
      return n;
    }
    case 'bool': {
      const b = toBoolean(raw);
      if (b === undefined) throw keyError(key, `expected a boolean, got ${describe(raw)}`);
      return b;
    }
    case 'json-contexts':
      return readContextsColumn(parseJsonText(key, raw), (problem) => {
        throw keyError(key, problem);
      });
    case 'json-unstruct':
      return readUnstructColumn(parseJsonText(key, raw), (problem) => {
        throw keyError(key, problem);
      });
  }
}

interface LossyKeys {
  readonly input: Record<string, unknown>;
  readonly lossyContexts: readonly string[];
  readonly lossyUnstruct: string | undefined;
}

const CONTEXTS = ENRICHED_FIELD_INDEX.get('contexts')!;
const DERIVED_CONTEXTS = ENRICHED_FIELD_INDEX.get('derived_contexts')!;

/** Puts entities and the event where their column sits, from the wrapper or from the lossy keys. */
const putJsonColumn: JsonColumnHandler<LossyKeys> = (out, index, value, { input, lossyContexts, lossyUnstruct }) => {
  if (index === CONTEXTS || index === DERIVED_CONTEXTS) {
    if (value !== undefined) addEntities(out, value as ContextsColumn, index === DERIVED_CONTEXTS);
    else if (index === CONTEXTS) addLossyContexts(out, input, lossyContexts);
  } else if (value !== undefined) {
    const column = value as UnstructColumn;
    out[column.key] = column.data;
  } else if (lossyUnstruct !== undefined) {
    addLossyUnstruct(out, input, lossyUnstruct);
  }
};

function addLossyContexts(out: EnrichedEvent, input: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of keys) {
    const list = input[key];
    if (list === null) continue;
    if (!Array.isArray(list)) throw keyError(key, `expected an array of entity objects, got ${typeName(list)}`);
    for (let i = 0; i < list.length; i++) {
      if (!isPlainObject(list[i])) throw keyError(key, `element ${i} must be an object, got ${typeName(list[i])}`);
      if (nestsDeeperThan(list[i], MAX_JSON_DEPTH)) throw keyError(key, `element ${i} ${tooDeepReason(MAX_JSON_DEPTH)}`);
    }
    if (list.length > 0) out[key] = list.slice();
  }
}

function addLossyUnstruct(out: EnrichedEvent, input: Record<string, unknown>, key: string): void {
  const data = input[key];
  if (data === null) return;
  if (!isPlainObject(data)) throw keyError(key, `expected an object, got ${typeName(data)}`);
  if (nestsDeeperThan(data, MAX_JSON_DEPTH)) throw keyError(key, tooDeepReason(MAX_JSON_DEPTH));
  out[key] = data;
}

function parseJsonText(key: string, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw keyError(key, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function toBoolean(raw: unknown): boolean | undefined {
  switch (raw) {
    case true:
    case 1:
    case '1':
    case 'true':
      return true;
    case false:
    case 0:
    case '0':
    case 'false':
      return false;
    default:
      return undefined;
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `string ${quote(value)}` : typeName(value);
}
