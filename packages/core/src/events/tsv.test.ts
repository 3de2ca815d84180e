import { describe, expect, it } from 'vitest';
import { EnrichedEventError, getEventSchemas } from './enriched-event.js';
import type { EnrichedEvent } from './enriched-event.js';
import { ENRICHED_FIELD_INDEX } from './fields.js';
import { ADD_TO_CART_SDK_JSON, ADD_TO_CART_TSV, PAGE_PING_TSV, PAGE_VIEW_TSV, STRUCT_TSV } from './fixtures.js';
import { normalizeEnrichedJson } from './json.js';
import { parseEnrichedTsv, toEnrichedTsv } from './tsv.js';

const LINES = { page_view: PAGE_VIEW_TSV, page_ping: PAGE_PING_TSV, struct: STRUCT_TSV, add_to_cart: ADD_TO_CART_TSV };

/** A copy of `line` with some columns replaced, by field name. */
function withFields(line: string, changes: Record<string, string>): string {
  const fields = line.split('\t');
  for (const [name, value] of Object.entries(changes)) {
    const index = ENRICHED_FIELD_INDEX.get(name);
    if (index === undefined) throw new Error(`no field ${name}`);
    fields[index] = value;
  }
  return fields.join('\t');
}

/** A line with only the required columns set. */
const MINIMAL_TSV = withFields(new Array<string>(131).fill('').join('\t'), {
  event_id: 'e1',
  collector_tstamp: '2025-05-01 10:00:00.250',
  v_collector: 'ssc-3.4.0-kinesissink',
  v_etl: 'snowplow-enrich-kinesis-6.10.0',
});

const WEB_PAGE = 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0';
const contexts = (wrapper: string, ...entities: [string, unknown][]): string =>
  JSON.stringify({ schema: wrapper, data: entities.map(([schema, data]) => ({ schema, data })) });
const CONTEXTS_101 = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1';
const UNSTRUCT_100 = 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0';

function parseError(line: string): EnrichedEventError {
  try {
    parseEnrichedTsv(line);
  } catch (error) {
    if (error instanceof EnrichedEventError) return error;
    throw error;
  }
  throw new Error('expected parseEnrichedTsv to throw');
}

describe('parseEnrichedTsv on the reference lines (section 7)', () => {
  it('turns add_to_cart into exactly the SDK JSON of section 3', () => {
    expect(parseEnrichedTsv(ADD_TO_CART_TSV)).toStrictEqual(ADD_TO_CART_SDK_JSON);
  });

  it('puts the keys in column order, entities where contexts was', () => {
    expect(Object.keys(parseEnrichedTsv(ADD_TO_CART_TSV))).toEqual(Object.keys(ADD_TO_CART_SDK_JSON));
  });

  it('reads page_view', () => {
    const event = parseEnrichedTsv(PAGE_VIEW_TSV);
    expect(event).toMatchObject({
      event: 'page_view',
      page_title: 'Red Shoe - Example Shop',
      dvce_created_tstamp: '2025-05-01T09:59:59.900Z',
      dvce_sent_tstamp: '2025-05-01T10:00:00.000Z',
      derived_tstamp: '2025-05-01T10:00:00.150Z',
      contexts_com_snowplowanalytics_snowplow_web_page_1: [{ id: '0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f' }],
      event_vendor: 'com.snowplowanalytics.snowplow',
      event_version: '1-0-0',
    });
    expect(Object.keys(event).filter((k) => k.startsWith('unstruct_event'))).toEqual([]);
  });

  it('reads page_ping offsets as numbers and leaves the missing x offsets out', () => {
    const event = parseEnrichedTsv(PAGE_PING_TSV);
    expect(event.pp_yoffset_min).toBe(120);
    expect(event.pp_yoffset_max).toBe(960);
    expect('pp_xoffset_min' in event).toBe(false);
    expect('pp_xoffset_max' in event).toBe(false);
  });

  it('reads the structured event, se_value as a number', () => {
    expect(parseEnrichedTsv(STRUCT_TSV)).toMatchObject({
      event: 'struct',
      se_category: 'video',
      se_action: 'play',
      se_label: 'intro',
      se_property: 'hero',
      se_value: 12.5,
      event_vendor: 'com.google.analytics',
      event_name: 'event',
    });
  });

  it('records the full schema URIs beside the event, not in it', () => {
    const event = parseEnrichedTsv(ADD_TO_CART_TSV);
    expect(JSON.stringify(event)).not.toContain('iglu:');
    expect(getEventSchemas({ ...event })).toBeUndefined();
    expect(getEventSchemas(event)).toEqual({
      contextsWrapper: CONTEXTS_101,
      entities: [
        {
          key: 'contexts_com_snowplowanalytics_snowplow_ecommerce_product_1',
          schema: 'iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0',
          derived: false,
        },
        {
          key: 'contexts_com_snowplowanalytics_snowplow_ecommerce_cart_1',
          schema: 'iglu:com.snowplowanalytics.snowplow.ecommerce/cart/jsonschema/1-0-0',
          derived: false,
        },
        { key: 'contexts_com_snowplowanalytics_snowplow_web_page_1', schema: WEB_PAGE, derived: false },
      ],
      unstructWrapper: UNSTRUCT_100,
      unstruct: {
        key: 'unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1',
        schema: 'iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2',
      },
    });
  });
});

describe('round trips', () => {
  it.each(Object.entries(LINES))('%s: TSV → event → TSV is exact', (_, line) => {
    expect(toEnrichedTsv(parseEnrichedTsv(line))).toBe(line);
  });

  it.each(Object.entries(LINES))('%s: TSV → event → normalizeEnrichedJson → TSV is exact', (_, line) => {
    expect(toEnrichedTsv(normalizeEnrichedJson(parseEnrichedTsv(line)))).toBe(line);
  });

  it.each(Object.entries(LINES))('%s: through JSON text, exact given the schemas JSON cannot carry', (_, line) => {
    const parsed = parseEnrichedTsv(line);
    const fromText = normalizeEnrichedJson(JSON.parse(JSON.stringify(parsed)));
    expect(fromText).toStrictEqual(parsed);
    const schemas = Object.fromEntries([
      ...(getEventSchemas(parsed)?.entities ?? []).map((e) => [e.key, e.schema]),
      ...(getEventSchemas(parsed)?.unstruct
        ? [[getEventSchemas(parsed)!.unstruct!.key, getEventSchemas(parsed)!.unstruct!.schema]]
        : []),
    ]) as Record<string, string>;
    expect(toEnrichedTsv(fromText, { schemas })).toBe(line);
  });

  it('without a record or options.schemas, says which key has no schema', () => {
    const fromText = normalizeEnrichedJson(JSON.parse(JSON.stringify(parseEnrichedTsv(PAGE_VIEW_TSV))));
    expect(() => toEnrichedTsv(fromText)).toThrow(
      'contexts_com_snowplowanalytics_snowplow_web_page_1: Iglu schema URI unknown (the event has no record of it; pass it in options.schemas)',
    );
  });

  it('rejects an options.schemas URI that does not build the key', () => {
    const fromText = normalizeEnrichedJson(JSON.parse(JSON.stringify(parseEnrichedTsv(PAGE_VIEW_TSV))));
    expect(() =>
      toEnrichedTsv(fromText, {
        schemas: { contexts_com_snowplowanalytics_snowplow_web_page_1: 'iglu:com.acme/web_page/jsonschema/1-0-0' },
      }),
    ).toThrow('options.schemas gives "iglu:com.acme/web_page/jsonschema/1-0-0", which does not build this key');
  });

  it('keeps edits: changed columns, dropped keys, appended and new entities', () => {
    const event = parseEnrichedTsv(ADD_TO_CART_TSV);
    event.user_id = 'user-43';
    delete event.page_title;
    delete event.contexts_com_snowplowanalytics_snowplow_ecommerce_cart_1;
    (event.contexts_com_snowplowanalytics_snowplow_web_page_1 as unknown[]).push({ id: 'second' });
    event.contexts_com_acme_user_1 = [{ tier: 'gold' }];
    const line = toEnrichedTsv(event, { schemas: { contexts_com_acme_user_1: 'iglu:com.acme/user/jsonschema/1-0-3' } });
    const column = JSON.parse(line.split('\t')[52]!) as { data: { schema: string }[] };
    expect(column.data.map((e) => e.schema)).toEqual([
      'iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0',
      WEB_PAGE,
      WEB_PAGE,
      'iglu:com.acme/user/jsonschema/1-0-3',
    ]);
    expect(parseEnrichedTsv(line)).toStrictEqual(event);
  });

  it('writes a minimal event and an empty-valued string as empty columns', () => {
    const event = parseEnrichedTsv(MINIMAL_TSV);
    expect(toEnrichedTsv(event)).toBe(MINIMAL_TSV);
    expect(toEnrichedTsv({ ...event, app_id: '' })).toBe(MINIMAL_TSV);
  });
});

describe('JSON columns', () => {
  it('contexts: groups entities by key in order, keeps a 1-0-0 wrapper and interleaved order on the way back', () => {
    const line = withFields(MINIMAL_TSV, {
      contexts: contexts(
        'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0',
        [WEB_PAGE, { id: 'a' }],
        ['iglu:org.w3/PerformanceTiming/jsonschema/1-0-0', { loadEventEnd: 10 }],
        ['iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-1', { id: 'b' }],
      ),
    });
    const event = parseEnrichedTsv(line);
    expect(event.contexts_com_snowplowanalytics_snowplow_web_page_1).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(event.contexts_org_w3_performance_timing_1).toEqual([{ loadEventEnd: 10 }]);
    expect(toEnrichedTsv(event)).toBe(line);
  });

  it('contexts: an empty entity list gives no keys and is written back as an empty column', () => {
    const event = parseEnrichedTsv(withFields(MINIMAL_TSV, { contexts: contexts(CONTEXTS_101) }));
    expect(Object.keys(event).some((k) => k.startsWith('contexts'))).toBe(false);
    expect(toEnrichedTsv(event)).toBe(MINIMAL_TSV);
  });

  it('derived_contexts: same key space, written back to derived_contexts', () => {
    const line = withFields(PAGE_VIEW_TSV, {
      derived_contexts: contexts(
        CONTEXTS_101,
        ['iglu:nl.basjes/yauaa_context/jsonschema/1-0-5', { deviceClass: 'Desktop', agentName: 'Chrome' }],
        ['iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-0-0', { category: 'BROWSER', spiderOrRobot: false }],
      ),
    });
    const event = parseEnrichedTsv(line);
    expect(event.contexts_nl_basjes_yauaa_context_1).toEqual([{ deviceClass: 'Desktop', agentName: 'Chrome' }]);
    expect(event.contexts_com_iab_snowplow_spiders_and_robots_1).toEqual([
      { category: 'BROWSER', spiderOrRobot: false },
    ]);
    expect(event.contexts_com_snowplowanalytics_snowplow_web_page_1).toEqual([
      { id: '0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f' },
    ]);
    expect(toEnrichedTsv(event)).toBe(line);
  });

  it('derived_contexts: a derived entity replaces tracker entities of the same key (as the SDKs do)', () => {
    const line = withFields(PAGE_VIEW_TSV, {
      derived_contexts: contexts(CONTEXTS_101, [WEB_PAGE, { id: 'derived' }]),
    });
    const event = parseEnrichedTsv(line);
    expect(event.contexts_com_snowplowanalytics_snowplow_web_page_1).toEqual([{ id: 'derived' }]);
    const written = toEnrichedTsv(event).split('\t');
    expect(written[52]).toBe('');
    expect(written[122]).toBe(line.split('\t')[122]);
  });

  it('unstruct_event: one object under its key', () => {
    const line = withFields(MINIMAL_TSV, {
      event: 'unstruct',
      unstruct_event: JSON.stringify({
        schema: UNSTRUCT_100,
        data: {
          schema: 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1',
          data: { targetUrl: 'https://x.test/' },
        },
      }),
    });
    const event = parseEnrichedTsv(line);
    expect(event.unstruct_event_com_snowplowanalytics_snowplow_link_click_1).toEqual({ targetUrl: 'https://x.test/' });
    expect(toEnrichedTsv(event)).toBe(line);
  });
});

describe('column kinds', () => {
  it('leaves every empty column out', () => {
    expect(parseEnrichedTsv(MINIMAL_TSV)).toStrictEqual({
      collector_tstamp: '2025-05-01T10:00:00.250Z',
      event_id: 'e1',
      v_collector: 'ssc-3.4.0-kinesissink',
      v_etl: 'snowplow-enrich-kinesis-6.10.0',
    });
  });

  it('strips one trailing \\n or \\r\\n', () => {
    const event = parseEnrichedTsv(ADD_TO_CART_TSV);
    expect(parseEnrichedTsv(ADD_TO_CART_TSV + '\n')).toStrictEqual(event);
    expect(parseEnrichedTsv(ADD_TO_CART_TSV + '\r\n')).toStrictEqual(event);
    expect(() => parseEnrichedTsv(ADD_TO_CART_TSV + '\n\n')).toThrow(
      'field 131 (true_tstamp): invalid timestamp "\\n"',
    );
  });

  it('reads timestamps with 0 to 3 fraction digits as ISO with milliseconds', () => {
    const at = (text: string): unknown => parseEnrichedTsv(withFields(MINIMAL_TSV, { true_tstamp: text })).true_tstamp;
    expect(at('2013-11-26 00:02:05')).toBe('2013-11-26T00:02:05.000Z');
    expect(at('2013-11-26 00:02:05.5')).toBe('2013-11-26T00:02:05.500Z');
    expect(at('2013-11-26 00:02:05.05')).toBe('2013-11-26T00:02:05.050Z');
    expect(at('2024-02-29 23:59:59.999')).toBe('2024-02-29T23:59:59.999Z');
  });

  it('reads ints, decimals, booleans and adds geo_location', () => {
    const event = parseEnrichedTsv(
      withFields(MINIMAL_TSV, {
        txn_id: '-42',
        domain_sessionidx: '00000000000000000000007',
        geo_latitude: '51.5074',
        geo_longitude: '-0.1278',
        tr_total: '1E+3',
        tr_tax: '0.00',
        ti_price_base: '12.50',
        br_features_pdf: '1',
        br_features_java: '0',
        dvce_ismobile: '0',
      }),
    );
    expect(event).toMatchObject({
      txn_id: -42,
      domain_sessionidx: 7,
      geo_latitude: 51.5074,
      geo_longitude: -0.1278,
      geo_location: '51.5074,-0.1278',
      tr_total: 1000,
      tr_tax: 0,
      ti_price_base: 12.5,
      br_features_pdf: true,
      br_features_java: false,
      dvce_ismobile: false,
    });
    expect(Object.keys(event).indexOf('geo_location')).toBe(Object.keys(event).indexOf('geo_longitude') + 1);
  });

  it('needs both coordinates for geo_location', () => {
    expect('geo_location' in parseEnrichedTsv(withFields(MINIMAL_TSV, { geo_longitude: '1.5' }))).toBe(false);
  });

  it('keeps strings as they are, JSON-looking or numeric ones included', () => {
    const event = parseEnrichedTsv(
      withFields(MINIMAL_TSV, { app_id: '{"a":1}', br_colordepth: '24', event_id: 'E 1' }),
    );
    expect(event).toMatchObject({ app_id: '{"a":1}', br_colordepth: '24', event_id: 'E 1' });
  });
});

describe('malformed lines', () => {
  it.each([
    ['too few fields', 'a\tb\tc\td\te\tf\tg\th\ti\tj\tk\tl', 'expected 131 tab-separated fields, got 12', undefined],
    ['too many fields', MINIMAL_TSV + '\t', 'expected 131 tab-separated fields, got 132', undefined],
    ['an empty line', '', 'expected 131 tab-separated fields, got 1', undefined],
    ['missing event_id', withFields(ADD_TO_CART_TSV, { event_id: '' }), 'field 7 (event_id): required', 'event_id'],
    [
      'missing collector_tstamp',
      withFields(ADD_TO_CART_TSV, { collector_tstamp: '' }),
      'field 4 (collector_tstamp): required',
      'collector_tstamp',
    ],
    [
      'missing v_collector',
      withFields(MINIMAL_TSV, { v_collector: '' }),
      'field 11 (v_collector): required',
      'v_collector',
    ],
    ['missing v_etl', withFields(MINIMAL_TSV, { v_etl: '' }), 'field 12 (v_etl): required', 'v_etl'],
    [
      'an ISO timestamp',
      withFields(MINIMAL_TSV, { collector_tstamp: '2025-05-01T10:00:00.250Z' }),
      'field 4 (collector_tstamp): invalid timestamp "2025-05-01T10:00:00.250Z", expected YYYY-MM-DD HH:MM:SS[.fff]',
      'collector_tstamp',
    ],
    [
      'month 13',
      withFields(MINIMAL_TSV, { etl_tstamp: '2025-13-01 10:00:00.250' }),
      'field 3 (etl_tstamp): invalid timestamp "2025-13-01 10:00:00.250", expected YYYY-MM-DD HH:MM:SS[.fff]',
      'etl_tstamp',
    ],
    [
      '29 February in a common year',
      withFields(MINIMAL_TSV, { derived_tstamp: '2025-02-29 10:00:00.250' }),
      'field 125 (derived_tstamp): invalid timestamp "2025-02-29 10:00:00.250", expected YYYY-MM-DD HH:MM:SS[.fff]',
      'derived_tstamp',
    ],
    [
      'four fraction digits',
      withFields(MINIMAL_TSV, { dvce_sent_tstamp: '2025-05-01 10:00:00.2500' }),
      'field 120 (dvce_sent_tstamp): invalid timestamp "2025-05-01 10:00:00.2500", expected YYYY-MM-DD HH:MM:SS[.fff]',
      'dvce_sent_tstamp',
    ],
    [
      'epoch millis',
      withFields(MINIMAL_TSV, { dvce_created_tstamp: '1746093599900' }),
      'field 5 (dvce_created_tstamp): invalid timestamp "1746093599900", expected YYYY-MM-DD HH:MM:SS[.fff]',
      'dvce_created_tstamp',
    ],
    [
      'a decimal int',
      withFields(MINIMAL_TSV, { domain_sessionidx: '3.0' }),
      'field 17 (domain_sessionidx): invalid integer "3.0"',
      'domain_sessionidx',
    ],
    [
      'an unsafe int',
      withFields(MINIMAL_TSV, { txn_id: '9007199254740993' }),
      'field 8 (txn_id): invalid integer "9007199254740993"',
      'txn_id',
    ],
    [
      'a non-number decimal',
      withFields(MINIMAL_TSV, { se_value: 'NaN' }),
      'field 58 (se_value): invalid decimal "NaN"',
      'se_value',
    ],
    [
      'a comma decimal',
      withFields(MINIMAL_TSV, { tr_total: '12,5' }),
      'field 62 (tr_total): invalid decimal "12,5"',
      'tr_total',
    ],
    [
      'a true/false bool',
      withFields(MINIMAL_TSV, { br_cookies: 'true' }),
      'field 94 (br_cookies): invalid boolean "true", expected 0 or 1',
      'br_cookies',
    ],
    [
      'bad JSON',
      withFields(MINIMAL_TSV, { contexts: '{"schema":' }),
      'field 53 (contexts): invalid JSON: ',
      'contexts',
    ],
    [
      'an entity with a bad Iglu URI',
      withFields(MINIMAL_TSV, { contexts: contexts(CONTEXTS_101, ['iglu:com.acme/user/jsonschema/1-0', {}]) }),
      'field 53 (contexts): data[0].schema is not a valid Iglu URI: "iglu:com.acme/user/jsonschema/1-0"',
      'contexts',
    ],
    [
      'a wrong contexts wrapper',
      withFields(MINIMAL_TSV, { derived_contexts: contexts(UNSTRUCT_100) }),
      'field 123 (derived_contexts): schema must be iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-x-x, got "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"',
      'derived_contexts',
    ],
    [
      'contexts data not an array',
      withFields(MINIMAL_TSV, { contexts: JSON.stringify({ schema: CONTEXTS_101, data: {} }) }),
      'field 53 (contexts): data must be an array of entities, got object',
      'contexts',
    ],
    [
      'an entity without data',
      withFields(MINIMAL_TSV, { contexts: JSON.stringify({ schema: CONTEXTS_101, data: [{ schema: WEB_PAGE }] }) }),
      'field 53 (contexts): data[0].data must be an object, got undefined',
      'contexts',
    ],
    [
      'an unstruct event with a bad Iglu URI',
      withFields(MINIMAL_TSV, {
        unstruct_event: JSON.stringify({ schema: UNSTRUCT_100, data: { schema: 'link_click', data: {} } }),
      }),
      'field 59 (unstruct_event): data.schema is not a valid Iglu URI: "link_click"',
      'unstruct_event',
    ],
    [
      'an unstruct event in a contexts wrapper',
      withFields(MINIMAL_TSV, { unstruct_event: contexts(CONTEXTS_101) }),
      'field 59 (unstruct_event): schema must be iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-x-x, got "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1"',
      'unstruct_event',
    ],
    [
      'a JSON column that is an array',
      withFields(MINIMAL_TSV, { unstruct_event: '[]' }),
      'field 59 (unstruct_event): expected an unstruct_event object {schema, data}, got array',
      'unstruct_event',
    ],
  ])('rejects %s', (_, line, message, field) => {
    const error = parseError(line);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.field).toBe(field);
    expect(error.code).toBe('SIGNALBOX_ERR_EVENT_INVALID');
  });

  it('keeps the JSON.parse error as the cause', () => {
    const error = parseError(withFields(MINIMAL_TSV, { contexts: '{"schema":' }));
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('cuts long values short in messages', () => {
    const error = parseError(withFields(MINIMAL_TSV, { txn_id: '1'.repeat(500) }));
    expect(error.message.length).toBeLessThan(140);
  });
});

describe('toEnrichedTsv', () => {
  const minimal = (): EnrichedEvent => parseEnrichedTsv(MINIMAL_TSV);

  it("applies Enrich's string clean-up so the line keeps 131 fields", () => {
    const line = toEnrichedTsv({ ...minimal(), page_title: 'a\tb\nc\r\u0000d' });
    expect(line.split('\t')).toHaveLength(131);
    expect(parseEnrichedTsv(line).page_title).toBe('a    bcd');
  });

  it('writes numbers, booleans and timestamps in TSV notation', () => {
    const line = toEnrichedTsv({
      ...minimal(),
      se_value: 12.5,
      domain_sessionidx: 3,
      br_cookies: true,
      dvce_ismobile: false,
      true_tstamp: '2025-05-01T10:00:00Z',
      geo_location: 'ignored: recomputed from the coordinates',
    });
    const fields = line.split('\t');
    expect([fields[57], fields[16], fields[93], fields[102], fields[130]]).toEqual([
      '12.5',
      '3',
      '1',
      '0',
      '2025-05-01 10:00:00.000',
    ]);
  });

  it.each([
    ['a missing required field', { event_id: undefined }, 'field 7 (event_id): required'],
    ['an empty required field', { v_etl: '' }, 'field 12 (v_etl): required'],
    ['a number for a string', { app_id: 5 }, 'field 1 (app_id): expected a string, got number'],
    [
      'a string for an int',
      { domain_sessionidx: '3' },
      'field 17 (domain_sessionidx): expected an integer, got string "3"',
    ],
    ['a fraction for an int', { page_urlport: 44.3 }, 'field 35 (page_urlport): expected an integer, got number'],
    ['NaN for a decimal', { se_value: Number.NaN }, 'field 58 (se_value): expected a finite number, got number'],
    ['1 for a bool', { br_cookies: 1 }, 'field 94 (br_cookies): expected a boolean, got number'],
    [
      'a bad timestamp',
      { etl_tstamp: 'yesterday' },
      'field 3 (etl_tstamp): invalid timestamp "yesterday", expected YYYY-MM-DDTHH:MM:SS.fffZ',
    ],
    [
      'a JSON column',
      { contexts: { schema: CONTEXTS_101, data: [] } },
      'field 53 (contexts): not part of the lossy shape',
    ],
    ['an unknown key', { pageTitle: 'x' }, 'unknown key "pageTitle"'],
    [
      'two unstruct keys',
      { unstruct_event_a_b_1: {}, unstruct_event_a_c_1: {} },
      'two self-describing events: unstruct_event_a_b_1 and unstruct_event_a_c_1',
    ],
    [
      'entities not in an array',
      { contexts_a_b_1: { id: 1 } },
      'contexts_a_b_1: expected an array of entity objects, got object',
    ],
    ['an entity that is not an object', { contexts_a_b_1: ['x'] }, 'contexts_a_b_1[0]: expected an object, got string'],
    [
      'an unstruct event that is an array',
      { unstruct_event_a_b_1: [] },
      'unstruct_event_a_b_1: expected an object, got array',
    ],
    [
      'entity data JSON cannot hold',
      { contexts_a_b_1: [{ n: 1n }] },
      'field 53 (contexts): cannot write as JSON: Do not know how to serialize a BigInt',
    ],
  ])('rejects %s', (_, change, message) => {
    const schemas = { contexts_a_b_1: 'iglu:a/b/jsonschema/1-0-0' };
    expect(() => toEnrichedTsv({ ...minimal(), ...change }, { schemas })).toThrow(message);
  });
});
