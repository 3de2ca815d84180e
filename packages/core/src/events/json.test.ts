import { describe, expect, it } from 'vitest';
import { EnrichedEventError, getEventSchemas } from './enriched-event.js';
import { ENRICHED_FIELDS } from './fields.js';
import { ADD_TO_CART_SDK_JSON, ADD_TO_CART_TSV, PAGE_PING_TSV, PAGE_VIEW_TSV, STRUCT_TSV } from './fixtures.js';
import { normalizeEnrichedJson } from './json.js';
import { parseEnrichedTsv, toEnrichedTsv } from './tsv.js';

const LINES = { page_view: PAGE_VIEW_TSV, page_ping: PAGE_PING_TSV, struct: STRUCT_TSV, add_to_cart: ADD_TO_CART_TSV };

/** The non-lossy shape with every value as its TSV text: 131 keys, `null` for empty, JSON columns as text. */
function nonLossyText(line: string): Record<string, unknown> {
  const values = line.split('\t');
  return Object.fromEntries(ENRICHED_FIELDS.map((f, i) => [f.name, values[i] === '' ? null : values[i]]));
}

/** The non-lossy shape as Scala `toJson(false)` writes it: typed values, JSON columns as objects. */
function nonLossyTyped(line: string): Record<string, unknown> {
  const text = nonLossyText(line);
  const lossy = parseEnrichedTsv(line);
  const out: Record<string, unknown> = {};
  for (const field of ENRICHED_FIELDS) {
    const raw = text[field.name];
    if (field.kind.startsWith('json')) out[field.name] = raw === null ? null : JSON.parse(raw as string);
    else out[field.name] = lossy[field.name] ?? null;
  }
  return out;
}

function normalizeError(value: unknown): EnrichedEventError {
  try {
    normalizeEnrichedJson(value);
  } catch (error) {
    if (error instanceof EnrichedEventError) return error;
    throw error;
  }
  throw new Error('expected normalizeEnrichedJson to throw');
}

describe('normalizeEnrichedJson, lossy shape', () => {
  it('returns the section-3 SDK JSON unchanged', () => {
    expect(normalizeEnrichedJson(ADD_TO_CART_SDK_JSON)).toStrictEqual(ADD_TO_CART_SDK_JSON);
  });

  it.each(Object.entries(LINES))('%s: is idempotent on parsed events, also through JSON text', (_, line) => {
    const parsed = parseEnrichedTsv(line);
    expect(normalizeEnrichedJson(parsed)).toStrictEqual(parsed);
    expect(normalizeEnrichedJson(JSON.parse(JSON.stringify(parsed)))).toStrictEqual(parsed);
  });

  it('returns a new object and keeps the side record of a parsed event', () => {
    const parsed = parseEnrichedTsv(ADD_TO_CART_TSV);
    const normalized = normalizeEnrichedJson(parsed);
    expect(normalized).not.toBe(parsed);
    expect(getEventSchemas(normalized)).toEqual(getEventSchemas(parsed));
  });

  it('reads what other SDKs print: nulls, strings for numbers, .000-less timestamps, refr_device_tstamp', () => {
    expect(
      normalizeEnrichedJson({
        event_id: 'e1',
        collector_tstamp: '2025-05-01T10:00:00Z',
        refr_device_tstamp: '2025-05-01T09:00:00.5Z',
        etl_tstamp: '2025-05-01 10:00:00.430',
        se_value: '12.5',
        domain_sessionidx: '3',
        br_cookies: 'true',
        br_features_pdf: 0,
        geo_latitude: 51.5,
        geo_longitude: '-0.12',
        geo_location: '51.5,-0.12',
        app_id: null,
        page_title: '',
        contexts_com_snowplowanalytics_snowplow_web_page_1: [{ id: 'p1' }],
        contexts_org_w3_performance_timing_1: null,
        unstruct_event_com_acme_checkout_1: { step: 2 },
      }),
    ).toStrictEqual({
      etl_tstamp: '2025-05-01T10:00:00.430Z',
      collector_tstamp: '2025-05-01T10:00:00.000Z',
      event_id: 'e1',
      domain_sessionidx: 3,
      geo_latitude: 51.5,
      geo_longitude: -0.12,
      geo_location: '51.5,-0.12',
      contexts_com_snowplowanalytics_snowplow_web_page_1: [{ id: 'p1' }],
      se_value: 12.5,
      unstruct_event_com_acme_checkout_1: { step: 2 },
      br_features_pdf: false,
      br_cookies: true,
      refr_dvce_tstamp: '2025-05-01T09:00:00.500Z',
    });
  });

  it('shares entity data with the input but not the arrays', () => {
    const entity = { id: 'p1' };
    const input = { event_id: 'e1', collector_tstamp: '2025-05-01T10:00:00.000Z', contexts_a_b_1: [entity] };
    const out = normalizeEnrichedJson(input);
    expect(out.contexts_a_b_1).not.toBe(input.contexts_a_b_1);
    expect((out.contexts_a_b_1 as unknown[])[0]).toBe(entity);
  });
});

describe('normalizeEnrichedJson, non-lossy shape', () => {
  it.each(Object.entries(LINES))('%s: TSV text per key gives the parsed event', (_, line) => {
    expect(normalizeEnrichedJson(nonLossyText(line))).toStrictEqual(parseEnrichedTsv(line));
  });

  it.each(Object.entries(LINES))('%s: typed values and wrapper objects give the parsed event', (_, line) => {
    expect(normalizeEnrichedJson(nonLossyTyped(line))).toStrictEqual(parseEnrichedTsv(line));
  });

  it.each(Object.entries(LINES))('%s: keeps the URIs, so it writes back to the same TSV', (_, line) => {
    expect(toEnrichedTsv(normalizeEnrichedJson(nonLossyTyped(line)))).toBe(line);
    expect(toEnrichedTsv(normalizeEnrichedJson(nonLossyText(line)))).toBe(line);
  });

  it('turns add_to_cart into the section-3 JSON', () => {
    expect(normalizeEnrichedJson(nonLossyTyped(ADD_TO_CART_TSV))).toStrictEqual(ADD_TO_CART_SDK_JSON);
  });

  it('reads derived_contexts into the same key space', () => {
    const event = normalizeEnrichedJson({
      ...nonLossyTyped(PAGE_VIEW_TSV),
      derived_contexts: {
        schema: 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1',
        data: [{ schema: 'iglu:nl.basjes/yauaa_context/jsonschema/1-0-5', data: { deviceClass: 'Desktop' } }],
      },
    });
    expect(event.contexts_nl_basjes_yauaa_context_1).toEqual([{ deviceClass: 'Desktop' }]);
    expect(event.contexts_com_snowplowanalytics_snowplow_web_page_1).toHaveLength(1);
    expect(toEnrichedTsv(event).split('\t')[122]).toBe(
      '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:nl.basjes/yauaa_context/jsonschema/1-0-5","data":{"deviceClass":"Desktop"}}]}',
    );
  });
});

describe('normalizeEnrichedJson rejects what is not an event', () => {
  const base = { event_id: 'e1', collector_tstamp: '2025-05-01T10:00:00.250Z' };

  it.each([
    ['null', null, 'expected an event object, got null', undefined],
    ['an array', [base], 'expected an event object, got array', undefined],
    ['a string', ADD_TO_CART_TSV, 'expected an event object, got string', undefined],
    ['a number', 42, 'expected an event object, got number', undefined],
    ['a Date', new Date(0), 'expected an event object, got object', undefined],
    ['no event_id', { collector_tstamp: base.collector_tstamp }, 'event_id: required', 'event_id'],
    ['a null event_id', { ...base, event_id: null }, 'event_id: required', 'event_id'],
    ['no collector_tstamp', { event_id: 'e1' }, 'collector_tstamp: required', 'collector_tstamp'],
    ['a number for a string', { ...base, app_id: 7 }, 'app_id: expected a string, got number', 'app_id'],
    [
      'a word for an int',
      { ...base, domain_sessionidx: 'three' },
      'domain_sessionidx: expected an integer, got string "three"',
      'domain_sessionidx',
    ],
    [
      'a fraction for an int',
      { ...base, page_urlport: 443.5 },
      'page_urlport: expected an integer, got number',
      'page_urlport',
    ],
    ['a boolean for a decimal', { ...base, se_value: true }, 'se_value: expected a number, got boolean', 'se_value'],
    [
      'yes for a bool',
      { ...base, br_cookies: 'yes' },
      'br_cookies: expected a boolean, got string "yes"',
      'br_cookies',
    ],
    [
      'epoch millis for a timestamp',
      { ...base, collector_tstamp: 1746093600250 },
      'collector_tstamp: invalid timestamp number, expected YYYY-MM-DDTHH:MM:SS[.fff]Z or YYYY-MM-DD HH:MM:SS[.fff]',
      'collector_tstamp',
    ],
    [
      'an ISO timestamp without Z',
      { ...base, collector_tstamp: '2025-05-01T10:00:00.250' },
      'collector_tstamp: invalid timestamp string "2025-05-01T10:00:00.250"',
      'collector_tstamp',
    ],
    [
      'an unknown key',
      { ...base, pageTitle: 'x' },
      'pageTitle: unknown key: not an enriched field, contexts_* or unstruct_event_*',
      'pageTitle',
    ],
    [
      'a malformed contexts_ key',
      { ...base, contexts_WebPage: [] },
      'contexts_WebPage: not a contexts_<vendor>_<name>_<model> key',
      'contexts_WebPage',
    ],
    [
      'contexts_ without a model',
      { ...base, contexts_a_b: [] },
      'contexts_a_b: not a contexts_<vendor>_<name>_<model> key',
      'contexts_a_b',
    ],
    [
      'entities not in an array',
      { ...base, contexts_a_b_1: { id: 1 } },
      'contexts_a_b_1: expected an array of entity objects, got object',
      'contexts_a_b_1',
    ],
    [
      'an entity that is not an object',
      { ...base, contexts_a_b_1: [1] },
      'contexts_a_b_1: element 0 must be an object, got number',
      'contexts_a_b_1',
    ],
    [
      'an unstruct event that is an array',
      { ...base, unstruct_event_a_b_1: [] },
      'unstruct_event_a_b_1: expected an object, got array',
      'unstruct_event_a_b_1',
    ],
    [
      'two unstruct events',
      { ...base, unstruct_event_a_b_1: {}, unstruct_event_a_c_1: {} },
      'unstruct_event_a_c_1: a second self-describing event (after unstruct_event_a_b_1)',
      'unstruct_event_a_c_1',
    ],
    [
      'both refr_dvce_tstamp and refr_device_tstamp',
      { ...base, refr_dvce_tstamp: null, refr_device_tstamp: null },
      'refr_device_tstamp: duplicates refr_dvce_tstamp',
      'refr_device_tstamp',
    ],
    [
      'a non-string geo_location',
      { ...base, geo_location: [1, 2] },
      'geo_location: expected a string, got array',
      'geo_location',
    ],
    ['contexts as bad JSON text', { ...base, contexts: '{"schema"' }, 'contexts: invalid JSON: ', 'contexts'],
    [
      'contexts with an invalid entity URI',
      {
        ...base,
        contexts: {
          schema: 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0',
          data: [{ schema: 'iglu:com.acme/user/jsonschema/v1', data: {} }],
        },
      },
      'contexts: data[0].schema is not a valid Iglu URI: "iglu:com.acme/user/jsonschema/v1"',
      'contexts',
    ],
    [
      'contexts as a bare array',
      { ...base, contexts: [{ schema: 'iglu:com.acme/user/jsonschema/1-0-0', data: {} }] },
      'contexts: expected a contexts object {schema, data}, got array',
      'contexts',
    ],
    [
      'contexts with a wrapper of model 2',
      {
        ...base,
        derived_contexts: { schema: 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/2-0-0', data: [] },
      },
      'derived_contexts: schema must be iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-x-x, got "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/2-0-0"',
      'derived_contexts',
    ],
    [
      'an unstruct_event without its inner schema',
      {
        ...base,
        unstruct_event: {
          schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
          data: { data: {} },
        },
      },
      'unstruct_event: data.schema must be a string, got undefined',
      'unstruct_event',
    ],
    [
      'both shapes at once',
      {
        ...base,
        contexts_a_b_1: [{}],
        unstruct_event: JSON.stringify({
          schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
          data: { schema: 'iglu:com.acme/checkout/jsonschema/1-0-0', data: {} },
        }),
      },
      'contexts_a_b_1: mixes the lossy shape with the non-lossy unstruct_event column; give one or the other',
      'contexts_a_b_1',
    ],
  ])('%s', (_, value, message, field) => {
    const error = normalizeError(value);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.field).toBe(field);
  });
});

describe('entity and event data nested past MAX_JSON_DEPTH', () => {
  // `levels` objects: the data object itself is the first.
  const data = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
  const base = { event_id: 'e1', collector_tstamp: '2025-05-01T10:00:00.000Z' };
  const reason = 'nests deeper than the limit of 64 levels of arrays and objects';

  it('is an error naming the key in either JSON shape, and 64 levels are accepted', () => {
    const lossyEntity = (levels: number) => JSON.parse(`{"contexts_com_acme_thing_1":[${data(levels)}]}`) as Record<string, unknown>;
    expect(normalizeError({ ...base, ...lossyEntity(65) })).toMatchObject({ field: 'contexts_com_acme_thing_1', message: `contexts_com_acme_thing_1: element 0 ${reason}` });
    expect(() => normalizeEnrichedJson({ ...base, ...lossyEntity(64) })).not.toThrow();

    const lossyEvent = JSON.parse(`{"unstruct_event_com_acme_click_1":${data(5000)}}`) as Record<string, unknown>;
    expect(normalizeError({ ...base, ...lossyEvent })).toMatchObject({ field: 'unstruct_event_com_acme_click_1', message: `unstruct_event_com_acme_click_1: ${reason}` });

    const wrapped = `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.acme/thing/jsonschema/1-0-0","data":${data(5000)}}]}`;
    expect(normalizeError({ ...base, contexts: wrapped })).toMatchObject({ field: 'contexts', message: `contexts: data[0].data ${reason}` });
  });

  it('is an error naming the column in a TSV line', () => {
    const columns = PAGE_VIEW_TSV.split('\t');
    const line = (levels: number) => {
      const copy = [...columns];
      copy[52] = `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.acme/thing/jsonschema/1-0-0","data":${data(levels)}}]}`;
      return copy.join('\t');
    };
    expect(() => parseEnrichedTsv(line(5000))).toThrow(`field 53 (contexts): data[0].data ${reason}`);
    expect(parseEnrichedTsv(line(64))['contexts_com_acme_thing_1']).toHaveLength(1);
  });
});
