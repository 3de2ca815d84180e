/**
 * The four enriched TSV lines of the Snowplow reference (section 7, produced from real tracker
 * payloads and checked against snowplow-analytics-sdk 0.1.0), and the SDK's JSON for the
 * add_to_cart line (section 3). Written as field lists joined with tabs so the 131 columns stay
 * visible and no literal tab can be lost in an editor.
 */

import { ENRICHED_FIELDS } from './fields.js';

const tsv = (fields: readonly string[]): string => fields.join('\t');
const blank = (count: number): string[] => new Array<string>(count).fill('');

/** Section 7.1 page_view (web_page entity). */
export const PAGE_VIEW_TSV = tsv([
  'shop-web', // 1 app_id
  'web', // 2 platform
  '2025-05-01 10:00:00.430', // 3 etl_tstamp
  '2025-05-01 10:00:00.250', // 4 collector_tstamp
  '2025-05-01 09:59:59.900', // 5 dvce_created_tstamp
  'page_view', // 6 event
  '4d8293a5-5c10-476a-9740-cd0c0483d422', // 7 event_id
  '', // 8
  'sp1', // 9 name_tracker
  'js-4.10.1', // 10 v_tracker
  'ssc-3.4.0-kinesissink', // 11 v_collector
  'snowplow-enrich-kinesis-6.10.0', // 12 v_etl
  'user-42', // 13 user_id
  '203.0.113.7', // 14 user_ipaddress
  '', // 15
  'd2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c', // 16 domain_userid
  '3', // 17 domain_sessionidx
  '8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', // 18 network_userid
  ...blank(11), // 19-29
  'https://shop.example.com/products/shoe-1?utm_source=news&utm_medium=email&utm_campaign=spring#reviews', // 30 page_url
  'Red Shoe - Example Shop', // 31 page_title
  'https://www.google.com/search?q=red+shoe', // 32 page_referrer
  'https', // 33 page_urlscheme
  'shop.example.com', // 34 page_urlhost
  '443', // 35 page_urlport
  '/products/shoe-1', // 36 page_urlpath
  'utm_source=news&utm_medium=email&utm_campaign=spring', // 37 page_urlquery
  'reviews', // 38 page_urlfragment
  'https', // 39 refr_urlscheme
  'www.google.com', // 40 refr_urlhost
  '443', // 41 refr_urlport
  '/search', // 42 refr_urlpath
  'q=red+shoe', // 43 refr_urlquery
  ...blank(4), // 44-47
  'email', // 48 mkt_medium
  'news', // 49 mkt_source
  ...blank(2), // 50-51
  'spring', // 52 mkt_campaign
  '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f"}}]}', // 53 contexts
  ...blank(24), // 54-77
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36', // 78 useragent
  ...blank(5), // 79-83
  'en-GB', // 84 br_lang
  ...blank(9), // 85-93
  '1', // 94 br_cookies
  '24', // 95 br_colordepth
  '1280', // 96 br_viewwidth
  '720', // 97 br_viewheight
  ...blank(3), // 98-100
  'Europe/London', // 101 os_timezone
  ...blank(2), // 102-103
  '1920', // 104 dvce_screenwidth
  '1080', // 105 dvce_screenheight
  'UTF-8', // 106 doc_charset
  '1265', // 107 doc_width
  '3400', // 108 doc_height
  ...blank(11), // 109-119
  '2025-05-01 10:00:00.000', // 120 dvce_sent_tstamp
  ...blank(3), // 121-123
  '5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b', // 124 domain_sessionid
  '2025-05-01 10:00:00.150', // 125 derived_tstamp
  'com.snowplowanalytics.snowplow', // 126 event_vendor
  'page_view', // 127 event_name
  'jsonschema', // 128 event_format
  '1-0-0', // 129 event_version
  ...blank(2), // 130-131
]);

/** Section 7.2 page_ping (y offsets only). */
export const PAGE_PING_TSV = tsv([
  'shop-web', // 1 app_id
  'web', // 2 platform
  '2025-05-01 10:00:10.480', // 3 etl_tstamp
  '2025-05-01 10:00:10.300', // 4 collector_tstamp
  '2025-05-01 10:00:10.000', // 5 dvce_created_tstamp
  'page_ping', // 6 event
  'f54c045e-749f-41cb-8c50-2f60b6b91a69', // 7 event_id
  '', // 8
  'sp1', // 9 name_tracker
  'js-4.10.1', // 10 v_tracker
  'ssc-3.4.0-kinesissink', // 11 v_collector
  'snowplow-enrich-kinesis-6.10.0', // 12 v_etl
  'user-42', // 13 user_id
  '203.0.113.7', // 14 user_ipaddress
  '', // 15
  'd2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c', // 16 domain_userid
  '3', // 17 domain_sessionidx
  '8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', // 18 network_userid
  ...blank(11), // 19-29
  'https://shop.example.com/products/shoe-1?utm_source=news&utm_medium=email&utm_campaign=spring#reviews', // 30 page_url
  'Red Shoe - Example Shop', // 31 page_title
  'https://www.google.com/search?q=red+shoe', // 32 page_referrer
  'https', // 33 page_urlscheme
  'shop.example.com', // 34 page_urlhost
  '443', // 35 page_urlport
  '/products/shoe-1', // 36 page_urlpath
  'utm_source=news&utm_medium=email&utm_campaign=spring', // 37 page_urlquery
  'reviews', // 38 page_urlfragment
  'https', // 39 refr_urlscheme
  'www.google.com', // 40 refr_urlhost
  '443', // 41 refr_urlport
  '/search', // 42 refr_urlpath
  'q=red+shoe', // 43 refr_urlquery
  ...blank(4), // 44-47
  'email', // 48 mkt_medium
  'news', // 49 mkt_source
  ...blank(2), // 50-51
  'spring', // 52 mkt_campaign
  '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f"}}]}', // 53 contexts
  ...blank(22), // 54-75
  '120', // 76 pp_yoffset_min
  '960', // 77 pp_yoffset_max
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36', // 78 useragent
  ...blank(5), // 79-83
  'en-GB', // 84 br_lang
  ...blank(9), // 85-93
  '1', // 94 br_cookies
  '24', // 95 br_colordepth
  '1280', // 96 br_viewwidth
  '720', // 97 br_viewheight
  ...blank(3), // 98-100
  'Europe/London', // 101 os_timezone
  ...blank(2), // 102-103
  '1920', // 104 dvce_screenwidth
  '1080', // 105 dvce_screenheight
  'UTF-8', // 106 doc_charset
  '1265', // 107 doc_width
  '3400', // 108 doc_height
  ...blank(11), // 109-119
  '2025-05-01 10:00:10.005', // 120 dvce_sent_tstamp
  ...blank(3), // 121-123
  '5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b', // 124 domain_sessionid
  '2025-05-01 10:00:10.295', // 125 derived_tstamp
  'com.snowplowanalytics.snowplow', // 126 event_vendor
  'page_ping', // 127 event_name
  'jsonschema', // 128 event_format
  '1-0-0', // 129 event_version
  ...blank(2), // 130-131
]);

/** Section 7.3 structured event video/play/intro/hero, se_value 12.5. */
export const STRUCT_TSV = tsv([
  'shop-web', // 1 app_id
  'web', // 2 platform
  '2025-05-01 10:00:15.380', // 3 etl_tstamp
  '2025-05-01 10:00:15.200', // 4 collector_tstamp
  '2025-05-01 10:00:15.000', // 5 dvce_created_tstamp
  'struct', // 6 event
  'ed77e5d9-9997-4789-89c6-edc388f13355', // 7 event_id
  '', // 8
  'sp1', // 9 name_tracker
  'js-4.10.1', // 10 v_tracker
  'ssc-3.4.0-kinesissink', // 11 v_collector
  'snowplow-enrich-kinesis-6.10.0', // 12 v_etl
  'user-42', // 13 user_id
  '203.0.113.7', // 14 user_ipaddress
  '', // 15
  'd2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c', // 16 domain_userid
  '3', // 17 domain_sessionidx
  '8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', // 18 network_userid
  ...blank(11), // 19-29
  'https://shop.example.com/products/shoe-1?utm_source=news&utm_medium=email&utm_campaign=spring#reviews', // 30 page_url
  '', // 31
  'https://www.google.com/search?q=red+shoe', // 32 page_referrer
  'https', // 33 page_urlscheme
  'shop.example.com', // 34 page_urlhost
  '443', // 35 page_urlport
  '/products/shoe-1', // 36 page_urlpath
  'utm_source=news&utm_medium=email&utm_campaign=spring', // 37 page_urlquery
  'reviews', // 38 page_urlfragment
  'https', // 39 refr_urlscheme
  'www.google.com', // 40 refr_urlhost
  '443', // 41 refr_urlport
  '/search', // 42 refr_urlpath
  'q=red+shoe', // 43 refr_urlquery
  ...blank(4), // 44-47
  'email', // 48 mkt_medium
  'news', // 49 mkt_source
  ...blank(2), // 50-51
  'spring', // 52 mkt_campaign
  '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f"}}]}', // 53 contexts
  'video', // 54 se_category
  'play', // 55 se_action
  'intro', // 56 se_label
  'hero', // 57 se_property
  '12.5', // 58 se_value
  ...blank(19), // 59-77
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36', // 78 useragent
  ...blank(5), // 79-83
  'en-GB', // 84 br_lang
  ...blank(9), // 85-93
  '1', // 94 br_cookies
  '24', // 95 br_colordepth
  '1280', // 96 br_viewwidth
  '720', // 97 br_viewheight
  ...blank(3), // 98-100
  'Europe/London', // 101 os_timezone
  ...blank(2), // 102-103
  '1920', // 104 dvce_screenwidth
  '1080', // 105 dvce_screenheight
  'UTF-8', // 106 doc_charset
  '1265', // 107 doc_width
  '3400', // 108 doc_height
  ...blank(11), // 109-119
  '2025-05-01 10:00:15.004', // 120 dvce_sent_tstamp
  ...blank(3), // 121-123
  '5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b', // 124 domain_sessionid
  '2025-05-01 10:00:15.196', // 125 derived_tstamp
  'com.google.analytics', // 126 event_vendor
  'event', // 127 event_name
  'jsonschema', // 128 event_format
  '1-0-0', // 129 event_version
  ...blank(2), // 130-131
]);

/** Section 7.4 self-describing snowplow_ecommerce_action add_to_cart with product, cart and web_page entities. */
export const ADD_TO_CART_TSV = tsv([
  'shop-web', // 1 app_id
  'web', // 2 platform
  '2025-05-01 10:00:20.330', // 3 etl_tstamp
  '2025-05-01 10:00:20.150', // 4 collector_tstamp
  '2025-05-01 10:00:20.000', // 5 dvce_created_tstamp
  'unstruct', // 6 event
  '9a97609f-99d6-4e58-b2a4-99d8e9cfdfa2', // 7 event_id
  '', // 8
  'sp1', // 9 name_tracker
  'js-4.10.1', // 10 v_tracker
  'ssc-3.4.0-kinesissink', // 11 v_collector
  'snowplow-enrich-kinesis-6.10.0', // 12 v_etl
  'user-42', // 13 user_id
  '203.0.113.7', // 14 user_ipaddress
  '', // 15
  'd2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c', // 16 domain_userid
  '3', // 17 domain_sessionidx
  '8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', // 18 network_userid
  ...blank(11), // 19-29
  'https://shop.example.com/products/shoe-1?utm_source=news&utm_medium=email&utm_campaign=spring#reviews', // 30 page_url
  '', // 31
  'https://www.google.com/search?q=red+shoe', // 32 page_referrer
  'https', // 33 page_urlscheme
  'shop.example.com', // 34 page_urlhost
  '443', // 35 page_urlport
  '/products/shoe-1', // 36 page_urlpath
  'utm_source=news&utm_medium=email&utm_campaign=spring', // 37 page_urlquery
  'reviews', // 38 page_urlfragment
  'https', // 39 refr_urlscheme
  'www.google.com', // 40 refr_urlhost
  '443', // 41 refr_urlport
  '/search', // 42 refr_urlpath
  'q=red+shoe', // 43 refr_urlquery
  ...blank(4), // 44-47
  'email', // 48 mkt_medium
  'news', // 49 mkt_source
  ...blank(2), // 50-51
  'spring', // 52 mkt_campaign
  '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0","data":{"id":"SKU-1","name":"Red Shoe","category":"shoes","price":59.99,"currency":"EUR","quantity":1}},{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/cart/jsonschema/1-0-0","data":{"total_value":59.99,"currency":"EUR"}},{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f"}}]}', // 53 contexts
  ...blank(5), // 54-58
  '{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2","data":{"type":"add_to_cart"}}}', // 59 unstruct_event
  ...blank(18), // 60-77
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36', // 78 useragent
  ...blank(5), // 79-83
  'en-GB', // 84 br_lang
  ...blank(9), // 85-93
  '1', // 94 br_cookies
  '24', // 95 br_colordepth
  '1280', // 96 br_viewwidth
  '720', // 97 br_viewheight
  ...blank(3), // 98-100
  'Europe/London', // 101 os_timezone
  ...blank(2), // 102-103
  '1920', // 104 dvce_screenwidth
  '1080', // 105 dvce_screenheight
  'UTF-8', // 106 doc_charset
  '1265', // 107 doc_width
  '3400', // 108 doc_height
  ...blank(11), // 109-119
  '2025-05-01 10:00:20.002', // 120 dvce_sent_tstamp
  ...blank(3), // 121-123
  '5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b', // 124 domain_sessionid
  '2025-05-01 10:00:20.148', // 125 derived_tstamp
  'com.snowplowanalytics.snowplow.ecommerce', // 126 event_vendor
  'snowplow_ecommerce_action', // 127 event_name
  'jsonschema', // 128 event_format
  '1-0-2', // 129 event_version
  ...blank(2), // 130-131
]);

/** Section 3: `snowplow-analytics-sdk` 0.1.0 `transform()` of {@link ADD_TO_CART_TSV}, key order as produced. */
export const ADD_TO_CART_SDK_JSON: Readonly<Record<string, unknown>> = {
  app_id: 'shop-web',
  platform: 'web',
  etl_tstamp: '2025-05-01T10:00:20.330Z',
  collector_tstamp: '2025-05-01T10:00:20.150Z',
  dvce_created_tstamp: '2025-05-01T10:00:20.000Z',
  event: 'unstruct',
  event_id: '9a97609f-99d6-4e58-b2a4-99d8e9cfdfa2',
  name_tracker: 'sp1',
  v_tracker: 'js-4.10.1',
  v_collector: 'ssc-3.4.0-kinesissink',
  v_etl: 'snowplow-enrich-kinesis-6.10.0',
  user_id: 'user-42',
  user_ipaddress: '203.0.113.7',
  domain_userid: 'd2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c',
  domain_sessionidx: 3,
  network_userid: '8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  page_url: 'https://shop.example.com/products/shoe-1?utm_source=news&utm_medium=email&utm_campaign=spring#reviews',
  page_referrer: 'https://www.google.com/search?q=red+shoe',
  page_urlscheme: 'https',
  page_urlhost: 'shop.example.com',
  page_urlport: 443,
  page_urlpath: '/products/shoe-1',
  page_urlquery: 'utm_source=news&utm_medium=email&utm_campaign=spring',
  page_urlfragment: 'reviews',
  refr_urlscheme: 'https',
  refr_urlhost: 'www.google.com',
  refr_urlport: 443,
  refr_urlpath: '/search',
  refr_urlquery: 'q=red+shoe',
  mkt_medium: 'email',
  mkt_source: 'news',
  mkt_campaign: 'spring',
  contexts_com_snowplowanalytics_snowplow_ecommerce_product_1: [
    {
      id: 'SKU-1',
      name: 'Red Shoe',
      category: 'shoes',
      price: 59.99,
      currency: 'EUR',
      quantity: 1,
    },
  ],
  contexts_com_snowplowanalytics_snowplow_ecommerce_cart_1: [
    {
      total_value: 59.99,
      currency: 'EUR',
    },
  ],
  contexts_com_snowplowanalytics_snowplow_web_page_1: [
    {
      id: '0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f',
    },
  ],
  unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1: {
    type: 'add_to_cart',
  },
  useragent:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  br_lang: 'en-GB',
  br_cookies: true,
  br_colordepth: '24',
  br_viewwidth: 1280,
  br_viewheight: 720,
  os_timezone: 'Europe/London',
  dvce_screenwidth: 1920,
  dvce_screenheight: 1080,
  doc_charset: 'UTF-8',
  doc_width: 1265,
  doc_height: 3400,
  dvce_sent_tstamp: '2025-05-01T10:00:20.002Z',
  domain_sessionid: '5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b',
  derived_tstamp: '2025-05-01T10:00:20.148Z',
  event_vendor: 'com.snowplowanalytics.snowplow.ecommerce',
  event_name: 'snowplow_ecommerce_action',
  event_format: 'jsonschema',
  event_version: '1-0-2',
};

/** A TSV line from named fields (the rest empty). */
export function enrichedTsvOf(fields: Readonly<Record<string, string>>): string {
  return ENRICHED_FIELDS.map((f) => fields[f.name] ?? '').join('\t');
}

export const ENTITIES_CONTEXTS =
  '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0","data":{"id":"SKU-1","name":"Red Shoe","category":"shoes","price":59.99,"currency":"EUR","quantity":1}},{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/cart/jsonschema/1-0-0","data":{"total_value":59.99,"currency":"EUR"}},{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f"}}]}';
export const ENTITIES_UNSTRUCT =
  '{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2","data":{"type":"add_to_cart"}}}';
export const ENTITIES_DERIVED =
  '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-0-0","data":{"spiderOrRobot":false}}]}';

/**
 * An unstruct add_to_cart event with two product/cart contexts and a web_page, and a derived
 * spiders_and_robots context: the line entity reassembly and the warehouse row are checked on.
 */
export const ENTITIES_TSV = enrichedTsvOf({
  app_id: 'shop-web',
  platform: 'web',
  etl_tstamp: '2025-05-01 10:00:20.330',
  collector_tstamp: '2025-05-01 10:00:20.150',
  event: 'unstruct',
  event_id: '9a97609f-99d6-4e58-b2a4-99d8e9cfdfa2',
  v_collector: 'ssc-3.4.0-kinesissink',
  v_etl: 'snowplow-enrich-kinesis-6.10.0',
  domain_sessionidx: '3',
  geo_latitude: '51.5',
  geo_longitude: '-0.12',
  contexts: ENTITIES_CONTEXTS,
  se_value: '12.5',
  unstruct_event: ENTITIES_UNSTRUCT,
  tr_total: '59.999',
  br_cookies: '1',
  derived_contexts: ENTITIES_DERIVED,
  derived_tstamp: '2025-05-01 10:00:20.148',
});
