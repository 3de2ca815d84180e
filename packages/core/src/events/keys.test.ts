import { describe, expect, it } from 'vitest';
import { entityKey, parseIgluUri, unstructKey } from './enriched-event.js';
import { ENRICHED_FIELDS, ENRICHED_FIELD_COUNT, ENRICHED_FIELD_INDEX } from './fields.js';

function keysOf(uri: string): { contexts: string; unstruct: string } {
  const ref = parseIgluUri(uri);
  if (ref === null) throw new Error(`not an Iglu URI: ${uri}`);
  return {
    contexts: entityKey(ref.vendor, ref.name, ref.major),
    unstruct: unstructKey(ref.vendor, ref.name, ref.major),
  };
}

describe('lossy key names (reference section 3 rule 6)', () => {
  it.each([
    [
      'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0',
      'contexts_com_snowplowanalytics_snowplow_web_page_1',
    ],
    [
      'iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0',
      'contexts_com_snowplowanalytics_snowplow_ecommerce_product_1',
    ],
    ['iglu:org.w3/PerformanceTiming/jsonschema/1-0-0', 'contexts_org_w3_performance_timing_1'],
    ['iglu:nl.basjes/yauaa_context/jsonschema/1-0-5', 'contexts_nl_basjes_yauaa_context_1'],
  ])('%s → %s', (uri, key) => {
    expect(keysOf(uri).contexts).toBe(key);
  });

  it('builds the self-describing event key', () => {
    expect(
      keysOf('iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2').unstruct,
    ).toBe('unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1');
  });

  it('maps - to _ in vendor and name, and lower-cases both', () => {
    expect(entityKey('com.acme-corp.Web', 'cart-item', 2)).toBe('contexts_com_acme_corp_web_cart_item_2');
  });

  it('splits CamelCase only after a character that is not upper case or _', () => {
    expect(entityKey('x', 'PerformanceTiming', 1)).toBe('contexts_x_performance_timing_1');
    expect(entityKey('x', 'HTMLElement', 1)).toBe('contexts_x_htmlelement_1');
    expect(entityKey('x', 'page2View', 1)).toBe('contexts_x_page2_view_1');
    expect(entityKey('x', 'already_Snake', 1)).toBe('contexts_x_already_snake_1');
    expect(entityKey('x', 'aBcD', 1)).toBe('contexts_x_a_bc_d_1');
    expect(entityKey('x', 'mobile-ScreenView', 1)).toBe('contexts_x_mobile__screen_view_1');
  });

  it('uses the model as the suffix', () => {
    expect(keysOf('iglu:com.snowplowanalytics.snowplow/browser_context/jsonschema/2-0-0').contexts).toBe(
      'contexts_com_snowplowanalytics_snowplow_browser_context_2',
    );
    expect(unstructKey('com.acme', 'checkout', 12)).toBe('unstruct_event_com_acme_checkout_12');
  });
});

describe('parseIgluUri', () => {
  it('splits a valid URI', () => {
    expect(
      parseIgluUri('iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2'),
    ).toEqual({
      vendor: 'com.snowplowanalytics.snowplow.ecommerce',
      name: 'snowplow_ecommerce_action',
      format: 'jsonschema',
      version: '1-0-2',
      major: 1,
    });
    expect(parseIgluUri('iglu:com.acme-corp/Web_Event-2/jsonschema/10-20-30')?.major).toBe(10);
  });

  it.each([
    ['no iglu: prefix', 'com.acme/event/jsonschema/1-0-0'],
    ['http scheme', 'http://iglucentral.com/schemas/com.acme/event/jsonschema/1-0-0'],
    ['three parts', 'iglu:com.acme/event/1-0-0'],
    ['five parts', 'iglu:com.acme/event/jsonschema/1-0-0/x'],
    ['empty vendor', 'iglu:/event/jsonschema/1-0-0'],
    ['dot in name', 'iglu:com.acme/ev.ent/jsonschema/1-0-0'],
    ['space in vendor', 'iglu:com acme/event/jsonschema/1-0-0'],
    ['two-part version', 'iglu:com.acme/event/jsonschema/1-0'],
    ['four-part version', 'iglu:com.acme/event/jsonschema/1-0-0-0'],
    ['model 0', 'iglu:com.acme/event/jsonschema/0-1-0'],
    ['leading zero', 'iglu:com.acme/event/jsonschema/1-01-0'],
    ['letters in version', 'iglu:com.acme/event/jsonschema/1-0-x'],
    ['trailing dash', 'iglu:com.acme/event/jsonschema/1-0-0-'],
    ['empty', ''],
  ])('rejects %s', (_, uri) => {
    expect(parseIgluUri(uri)).toBeNull();
  });
});

describe('ENRICHED_FIELDS', () => {
  it('lists the 131 columns in Enrich order with their kinds', () => {
    expect(ENRICHED_FIELDS).toHaveLength(ENRICHED_FIELD_COUNT);
    expect(new Set(ENRICHED_FIELDS.map((f) => f.name)).size).toBe(131);
    // The reference's quick index checks (section 2.2).
    const at = Object.fromEntries(ENRICHED_FIELDS.map((f, i) => [f.name, i]));
    expect(at).toMatchObject({
      event: 5,
      event_id: 6,
      user_id: 12,
      domain_userid: 15,
      network_userid: 17,
      page_url: 29,
      contexts: 52,
      se_category: 53,
      unstruct_event: 58,
      useragent: 77,
      dvce_sent_tstamp: 119,
      refr_dvce_tstamp: 121,
      derived_contexts: 122,
      domain_sessionid: 123,
      derived_tstamp: 124,
      event_vendor: 125,
      event_version: 128,
      true_tstamp: 130,
    });
    expect(ENRICHED_FIELD_INDEX.get('true_tstamp')).toBe(130);
    const kinds = (kind: string): string[] => ENRICHED_FIELDS.filter((f) => f.kind === kind).map((f) => f.name);
    expect(kinds('json-contexts')).toEqual(['contexts', 'derived_contexts']);
    expect(kinds('json-unstruct')).toEqual(['unstruct_event']);
    expect(kinds('timestamp')).toEqual([
      'etl_tstamp',
      'collector_tstamp',
      'dvce_created_tstamp',
      'dvce_sent_tstamp',
      'refr_dvce_tstamp',
      'derived_tstamp',
      'true_tstamp',
    ]);
    expect(kinds('bool')).toHaveLength(11); // nine br_features_*, br_cookies, dvce_ismobile
    expect(kinds('decimal')).toEqual([
      'geo_latitude',
      'geo_longitude',
      'se_value',
      'tr_total',
      'tr_tax',
      'tr_shipping',
      'ti_price',
      'tr_total_base',
      'tr_tax_base',
      'tr_shipping_base',
      'ti_price_base',
    ]);
    expect(ENRICHED_FIELDS.filter((f) => 'required' in f).map((f) => f.name)).toEqual([
      'collector_tstamp',
      'event_id',
      'v_collector',
      'v_etl',
    ]);
  });
});
