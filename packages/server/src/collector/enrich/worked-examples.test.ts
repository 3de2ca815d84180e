/**
 * The worked examples of reference §7: the tracker payloads of a browser tracker session enrich to
 * exactly the TSV lines given there. Collector and enrichment times are taken from each line, the
 * way the real collector's clock set them.
 */
import { parseEnrichedTsv } from '@signalbox/core';
import { describe, expect, it } from 'vitest';
import { enrichEvent, type RawEvent, type RequestFacts } from './index.js';

const PAGE_VIEW_TSV =
  'shop-web\tweb\t2025-05-01 10:00:00.430\t2025-05-01 10:00:00.250\t2025-05-01 09:59:59.900\tpage_view\t4d8293a5-5c10-476a-9740-cd0c0483d422\t\tsp1\tjs-4.10.1\tssc-3.4.0-kinesissink\tsnowplow-enrich-kinesis-6.10.0\tuser-42\t203.0.113.7\t\td2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c\t3\t8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\t\t\t\t\t\t\t\t\t\t\t\thttps://shop.example.com/products/shoe-1?utm_source=news&utm_medium=email&utm_campaign=spring#reviews\tRed Shoe - Example Shop\thttps://www.google.com/search?q=red+shoe\thttps\tshop.example.com\t443\t/products/shoe-1\tutm_source=news&utm_medium=email&utm_campaign=spring\treviews\thttps\twww.google.com\t443\t/search\tq=red+shoe\t\t\t\t\temail\tnews\t\t\tspring\t{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f"}}]}\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\tMozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36\t\t\t\t\t\ten-GB\t\t\t\t\t\t\t\t\t\t1\t24\t1280\t720\t\t\t\tEurope/London\t\t\t1920\t1080\tUTF-8\t1265\t3400\t\t\t\t\t\t\t\t\t\t\t\t2025-05-01 10:00:00.000\t\t\t\t5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b\t2025-05-01 10:00:00.150\tcom.snowplowanalytics.snowplow\tpage_view\tjsonschema\t1-0-0\t\t';

const PAGE_PING_TSV =
  'shop-web\tweb\t2025-05-01 10:00:10.480\t2025-05-01 10:00:10.300\t2025-05-01 10:00:10.000\tpage_ping\tf54c045e-749f-41cb-8c50-2f60b6b91a69\t\tsp1\tjs-4.10.1\tssc-3.4.0-kinesissink\tsnowplow-enrich-kinesis-6.10.0\tuser-42\t203.0.113.7\t\td2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c\t3\t8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\t\t\t\t\t\t\t\t\t\t\t\thttps://shop.example.com/products/shoe-1?utm_source=news&utm_medium=email&utm_campaign=spring#reviews\tRed Shoe - Example Shop\thttps://www.google.com/search?q=red+shoe\thttps\tshop.example.com\t443\t/products/shoe-1\tutm_source=news&utm_medium=email&utm_campaign=spring\treviews\thttps\twww.google.com\t443\t/search\tq=red+shoe\t\t\t\t\temail\tnews\t\t\tspring\t{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f"}}]}\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t120\t960\tMozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36\t\t\t\t\t\ten-GB\t\t\t\t\t\t\t\t\t\t1\t24\t1280\t720\t\t\t\tEurope/London\t\t\t1920\t1080\tUTF-8\t1265\t3400\t\t\t\t\t\t\t\t\t\t\t\t2025-05-01 10:00:10.005\t\t\t\t5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b\t2025-05-01 10:00:10.295\tcom.snowplowanalytics.snowplow\tpage_ping\tjsonschema\t1-0-0\t\t';

const STRUCT_TSV =
  'shop-web\tweb\t2025-05-01 10:00:15.380\t2025-05-01 10:00:15.200\t2025-05-01 10:00:15.000\tstruct\ted77e5d9-9997-4789-89c6-edc388f13355\t\tsp1\tjs-4.10.1\tssc-3.4.0-kinesissink\tsnowplow-enrich-kinesis-6.10.0\tuser-42\t203.0.113.7\t\td2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c\t3\t8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\t\t\t\t\t\t\t\t\t\t\t\thttps://shop.example.com/products/shoe-1?utm_source=news&utm_medium=email&utm_campaign=spring#reviews\t\thttps://www.google.com/search?q=red+shoe\thttps\tshop.example.com\t443\t/products/shoe-1\tutm_source=news&utm_medium=email&utm_campaign=spring\treviews\thttps\twww.google.com\t443\t/search\tq=red+shoe\t\t\t\t\temail\tnews\t\t\tspring\t{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f"}}]}\tvideo\tplay\tintro\thero\t12.5\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\tMozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36\t\t\t\t\t\ten-GB\t\t\t\t\t\t\t\t\t\t1\t24\t1280\t720\t\t\t\tEurope/London\t\t\t1920\t1080\tUTF-8\t1265\t3400\t\t\t\t\t\t\t\t\t\t\t\t2025-05-01 10:00:15.004\t\t\t\t5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b\t2025-05-01 10:00:15.196\tcom.google.analytics\tevent\tjsonschema\t1-0-0\t\t';

const ADD_TO_CART_TSV =
  'shop-web\tweb\t2025-05-01 10:00:20.330\t2025-05-01 10:00:20.150\t2025-05-01 10:00:20.000\tunstruct\t9a97609f-99d6-4e58-b2a4-99d8e9cfdfa2\t\tsp1\tjs-4.10.1\tssc-3.4.0-kinesissink\tsnowplow-enrich-kinesis-6.10.0\tuser-42\t203.0.113.7\t\td2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c\t3\t8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\t\t\t\t\t\t\t\t\t\t\t\thttps://shop.example.com/products/shoe-1?utm_source=news&utm_medium=email&utm_campaign=spring#reviews\t\thttps://www.google.com/search?q=red+shoe\thttps\tshop.example.com\t443\t/products/shoe-1\tutm_source=news&utm_medium=email&utm_campaign=spring\treviews\thttps\twww.google.com\t443\t/search\tq=red+shoe\t\t\t\t\temail\tnews\t\t\tspring\t{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0","data":{"id":"SKU-1","name":"Red Shoe","category":"shoes","price":59.99,"currency":"EUR","quantity":1}},{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/cart/jsonschema/1-0-0","data":{"total_value":59.99,"currency":"EUR"}},{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f"}}]}\t\t\t\t\t\t{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2","data":{"type":"add_to_cart"}}}\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\tMozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36\t\t\t\t\t\ten-GB\t\t\t\t\t\t\t\t\t\t1\t24\t1280\t720\t\t\t\tEurope/London\t\t\t1920\t1080\tUTF-8\t1265\t3400\t\t\t\t\t\t\t\t\t\t\t\t2025-05-01 10:00:20.002\t\t\t\t5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b\t2025-05-01 10:00:20.148\tcom.snowplowanalytics.snowplow.ecommerce\tsnowplow_ecommerce_action\tjsonschema\t1-0-2\t\t';

const USER_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';

/** 7.1's payload: a browser-tracker page view with the web_page entity in plain `co`. */
const BASE: RawEvent = {
  e: 'pv', page: 'Red Shoe - Example Shop', eid: '4d8293a5-5c10-476a-9740-cd0c0483d422', tv: 'js-4.10.1', tna: 'sp1',
  aid: 'shop-web', p: 'web', cookie: '1', cs: 'UTF-8', lang: 'en-GB', res: '1920x1080', cd: '24',
  tz: 'Europe/London', vp: '1280x720', ds: '1265x3400', vid: '3', sid: '5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b',
  duid: 'd2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c', uid: 'user-42',
  url: 'https://shop.example.com/products/shoe-1?utm_source=news&utm_medium=email&utm_campaign=spring#reviews',
  refr: 'https://www.google.com/search?q=red+shoe', dtm: '1746093599900', stm: '1746093600000',
  co: '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":[{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f"}}]}',
};

const withoutTitle = (raw: RawEvent): RawEvent => {
  const { page: _page, ...rest } = raw;
  return rest;
};

const EXAMPLES: Array<{ name: string; raw: RawEvent; tsv: string }> = [
  { name: '7.1 page_view', raw: BASE, tsv: PAGE_VIEW_TSV },
  {
    name: '7.2 page_ping',
    raw: { ...BASE, e: 'pp', eid: 'f54c045e-749f-41cb-8c50-2f60b6b91a69', pp_miy: '120', pp_may: '960', dtm: '1746093610000', stm: '1746093610005' },
    tsv: PAGE_PING_TSV,
  },
  {
    name: '7.3 structured event',
    raw: withoutTitle({
      ...BASE, e: 'se', eid: 'ed77e5d9-9997-4789-89c6-edc388f13355', se_ca: 'video', se_ac: 'play', se_la: 'intro', se_pr: 'hero',
      se_va: '12.5', dtm: '1746093615000', stm: '1746093615004',
    }),
    tsv: STRUCT_TSV,
  },
  {
    name: '7.4 self-describing add_to_cart with product and cart entities',
    raw: withoutTitle({
      ...BASE, e: 'ue', eid: '9a97609f-99d6-4e58-b2a4-99d8e9cfdfa2', dtm: '1746093620000', stm: '1746093620002',
      ue_pr: '{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2","data":{"type":"add_to_cart"}}}',
      co: '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":[{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0","data":{"id":"SKU-1","name":"Red Shoe","category":"shoes","price":59.99,"currency":"EUR","quantity":1}},{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/cart/jsonschema/1-0-0","data":{"total_value":59.99,"currency":"EUR"}},{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"0f4c8b1e-9d2a-4b3c-8e7f-1a2b3c4d5e6f"}}]}',
    }),
    tsv: ADD_TO_CART_TSV,
  },
];

const ms = (tsvTimestamp: string) => Date.parse(`${tsvTimestamp.replace(' ', 'T')}Z`);

/** The request facts behind a reference line: its two clock readings and the example's constants. */
function factsOf(tsv: string): RequestFacts {
  const fields = tsv.split('\t');
  return {
    collectorTstamp: ms(fields[3]!),
    etlTstamp: ms(fields[2]!),
    collectorName: 'ssc-3.4.0-kinesissink',
    etlName: 'snowplow-enrich-kinesis-6.10.0',
    ipAddress: '203.0.113.7',
    userAgent: USER_AGENT,
    networkUserId: '8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  };
}

const noIds = () => {
  throw new Error('every example has an eid');
};

describe('enrichEvent on the reference worked examples', () => {
  for (const example of EXAMPLES) {
    it(`${example.name} enriches to the reference TSV line`, () => {
      const result = enrichEvent(example.raw, factsOf(example.tsv), { newEventId: noIds });
      if (!result.ok) throw new Error(result.reasons.join('; '));
      expect(result.tsv.split('\t')).toEqual(example.tsv.split('\t'));
      expect(result.tsv).toBe(example.tsv);
      expect(result.event).toEqual(parseEnrichedTsv(example.tsv));
    });
  }

  it('the same events arrive base64-encoded (cx / ue_px) and enrich identically', () => {
    const example = EXAMPLES[3]!;
    const { co, ue_pr, ...rest } = example.raw as Record<string, string>;
    const raw = { ...rest, cx: Buffer.from(co!).toString('base64url'), ue_px: Buffer.from(ue_pr!).toString('base64url') };
    const result = enrichEvent(raw, factsOf(example.tsv), { newEventId: noIds });
    expect(result.ok && result.tsv).toBe(example.tsv);
  });

  it('gives the add_to_cart event the analytics-SDK JSON of reference §3', () => {
    const example = EXAMPLES[3]!;
    const result = enrichEvent(example.raw, factsOf(example.tsv), { newEventId: noIds });
    expect(result.ok && result.event).toMatchObject({
      event: 'unstruct',
      event_id: '9a97609f-99d6-4e58-b2a4-99d8e9cfdfa2',
      contexts_com_snowplowanalytics_snowplow_ecommerce_product_1: [{ id: 'SKU-1', name: 'Red Shoe', category: 'shoes', price: 59.99, currency: 'EUR', quantity: 1 }],
      contexts_com_snowplowanalytics_snowplow_ecommerce_cart_1: [{ total_value: 59.99, currency: 'EUR' }],
      unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1: { type: 'add_to_cart' },
      derived_tstamp: '2025-05-01T10:00:20.148Z',
      br_cookies: true,
      domain_sessionidx: 3,
    });
  });
});
