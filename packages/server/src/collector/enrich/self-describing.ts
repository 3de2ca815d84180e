/**
 * Step 5 of the minimal enrichment (reference §6): the entities (`co` plain JSON, `cx` base64)
 * and the self-describing event (`ue_pr` plain, `ue_px` base64) a tracker sends as strings.
 * Base64 is read leniently, as Enrich's commons-codec does: the URL-safe and the standard
 * alphabet, with or without `=` padding (a space is taken for a `+` that lost its encoding in a
 * query string). Then UTF-8, JSON, the Snowplow wrapper (`contexts` / `unstruct_event` 1-0-x) and
 * a valid Iglu URI with an object `data` for every inner element. The output JSON columns are
 * compact JSON; entities are re-wrapped as `contexts/jsonschema/1-0-1`, as Enrich writes them.
 */
import { parseIgluUri } from '@signalbox/core';
import { MAX_JSON_DEPTH, nestsDeeperThan, tooDeepReason } from '@signalbox/core/internal';
import { clip } from './timestamps.js';

export const CONTEXTS_OUTPUT_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1';
export const UNSTRUCT_OUTPUT_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0';

export interface SelfDescribingJson {
  schema: string;
  data: Record<string, unknown>;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; reasons: string[] };

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Lenient base64 / base64url → UTF-8 text. */
export function decodeBase64(text: string): Outcome<string> {
  const clean = text.includes(' ') ? text.replaceAll(' ', '+') : text;
  if (!BASE64.test(clean)) return { ok: false, reasons: ['not base64: characters outside the base64 and base64url alphabets'] };
  const unpadded = clean.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) return { ok: false, reasons: ['not base64: truncated (length is 1 more than a multiple of 4)'] };
  try {
    return { ok: true, value: utf8.decode(Buffer.from(unpadded, 'base64')) };
  } catch {
    return { ok: false, reasons: ['base64 decodes to bytes that are not UTF-8'] };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function isWrapper(schema: unknown, name: string): boolean {
  if (typeof schema !== 'string') return false;
  const ref = parseIgluUri(schema);
  return ref !== null && ref.vendor === 'com.snowplowanalytics.snowplow' && ref.name === name && ref.format === 'jsonschema' && ref.version.startsWith('1-0-');
}

/** Checks one `{schema, data}`; pushes what is wrong (prefixed with `where`) onto `reasons`. */
function readInner(value: unknown, where: string, reasons: string[]): SelfDescribingJson | undefined {
  if (!isObject(value)) {
    reasons.push(`${where} must be an object {schema, data}, got ${typeName(value)}`);
    return undefined;
  }
  const before = reasons.length;
  const { schema, data } = value;
  if (typeof schema !== 'string') reasons.push(`${where}.schema must be a string, got ${typeName(schema)}`);
  else if (parseIgluUri(schema) === null) reasons.push(`${where}.schema is not a valid Iglu URI: ${JSON.stringify(clip(schema))}`);
  if (!isObject(data)) reasons.push(`${where}.data must be an object, got ${typeName(data)}`);
  // Checked before the columns are written with JSON.stringify, which recurses.
  else if (nestsDeeperThan(data, MAX_JSON_DEPTH)) reasons.push(`${where}.data ${tooDeepReason(MAX_JSON_DEPTH)}`);
  return reasons.length === before ? { schema: schema as string, data: data as Record<string, unknown> } : undefined;
}

/** JSON text of a plain or (when `base64`) encoded parameter. */
function parseParameter(text: string, base64: boolean): Outcome<unknown> {
  let json = text;
  if (base64) {
    const decoded = decodeBase64(text);
    if (!decoded.ok) return decoded;
    json = decoded.value;
  }
  try {
    return { ok: true, value: JSON.parse(json) as unknown };
  } catch (error) {
    return { ok: false, reasons: [`invalid JSON: ${(error as Error).message}`] };
  }
}

/**
 * The entities of `co` or `cx` (named by `param`, for the reasons), in the tracker's order.
 * An empty list is valid.
 */
export function readContexts(text: string, param: 'co' | 'cx'): Outcome<SelfDescribingJson[]> {
  const parsed = parseParameter(text, param === 'cx');
  if (!parsed.ok) return { ok: false, reasons: parsed.reasons.map((r) => `${param}: ${r}`) };
  const wrapper = parsed.value;
  if (!isObject(wrapper)) return { ok: false, reasons: [`${param}: expected a contexts object {schema, data}, got ${typeName(wrapper)}`] };
  const reasons: string[] = [];
  if (!isWrapper(wrapper.schema, 'contexts')) {
    reasons.push(`${param}: schema must be iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-x, got ${describe(wrapper.schema)}`);
  }
  const list = wrapper.data;
  if (!Array.isArray(list)) {
    reasons.push(`${param}: data must be an array of entities, got ${typeName(list)}`);
    return { ok: false, reasons };
  }
  const entities: SelfDescribingJson[] = [];
  list.forEach((item, i) => {
    const entity = readInner(item, `${param}: data[${i}]`, reasons);
    if (entity) entities.push(entity);
  });
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, value: entities };
}

/** The self-describing event of `ue_pr` or `ue_px`. */
export function readUnstruct(text: string, param: 'ue_pr' | 'ue_px'): Outcome<SelfDescribingJson> {
  const parsed = parseParameter(text, param === 'ue_px');
  if (!parsed.ok) return { ok: false, reasons: parsed.reasons.map((r) => `${param}: ${r}`) };
  const wrapper = parsed.value;
  if (!isObject(wrapper)) return { ok: false, reasons: [`${param}: expected an unstruct_event object {schema, data}, got ${typeName(wrapper)}`] };
  const reasons: string[] = [];
  if (!isWrapper(wrapper.schema, 'unstruct_event')) {
    reasons.push(`${param}: schema must be iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-x, got ${describe(wrapper.schema)}`);
  }
  const event = readInner(wrapper.data, `${param}: data`, reasons);
  return reasons.length > 0 || event === undefined ? { ok: false, reasons } : { ok: true, value: event };
}

/** The `contexts` column: empty for no entities, as Enrich writes it. */
export function contextsColumn(entities: readonly SelfDescribingJson[]): string {
  if (entities.length === 0) return '';
  return JSON.stringify({ schema: CONTEXTS_OUTPUT_SCHEMA, data: entities.map((e) => ({ schema: e.schema, data: e.data })) });
}

export function unstructColumn(event: SelfDescribingJson): string {
  return JSON.stringify({ schema: UNSTRUCT_OUTPUT_SCHEMA, data: { schema: event.schema, data: event.data } });
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(clip(value)) : typeName(value);
}
