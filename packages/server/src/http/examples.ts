/**
 * The README's worked example ("A worked example with curl", "Interventions") as the examples of
 * the OpenAPI document (http/openapi.ts): the `product_sku` key, the `shopper` group, the
 * `website` service, the `big_cart` intervention and the events shown there. What Signalbox
 * derives from them (a group as GET returns it, the stream view, an event as a TSV line) is
 * derived here by the same code, so the examples cannot drift from what the server answers.
 */
import {
  AttributeGroup,
  AttributeKey,
  buildStreamView,
  builtInKey,
  normalizeEnrichedJson,
  toEnrichedTsv,
} from '@signalbox/core';
import type { BadRow } from '../bad-rows/bad-rows.js';
import { badEventOf, goodEventOf } from '../micro/shapes.js';
import { attributeGroupOutput, attributeKeyOutput } from '../registry/outputs.js';

export const USER = 'd2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c';
export const UNKNOWN_USER = '5f0c0000-0000-4000-8000-000000000000';
export const COLLECTED_AT = '2026-05-04T10:14:30.000Z';
export const PUBLISHED_AT = '2026-05-04T10:15:00.000Z';
export const INTERVENTION_ID = '0b3e5a1c-7d2f-4e8a-9b6c-1f2e3d4c5b6a';

const ECOMMERCE = 'com.snowplowanalytics.snowplow.ecommerce';
const product = (path: string) => ({ type: 'entity', vendor: ECOMMERCE, name: 'product', major_version: 1, path });

export const PRODUCT_SKU_KEY = { name: 'product_sku', property: product('id') };

export const SHOPPER_GROUP = {
  name: 'shopper',
  version: 1,
  attribute_key: { name: 'domain_userid' },
  owner: 'growth@example.com',
  is_published: true,
  attributes: [
    { name: 'page_views', type: 'int32', aggregation: 'counter', events: [{ vendor: 'com.snowplowanalytics.snowplow', name: 'page_view' }] },
    { name: 'page_views_10m', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }], period: 'PT10M' },
    { name: 'last_page', type: 'string', aggregation: 'last', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'page_urlpath' } },
    {
      name: 'cart_value',
      type: 'double',
      aggregation: 'sum',
      events: [{ vendor: ECOMMERCE, name: 'snowplow_ecommerce_action' }],
      property: product('price'),
      criteria: {
        all: [
          {
            property: { type: 'event', vendor: ECOMMERCE, name: 'snowplow_ecommerce_action', major_version: 1, path: 'type' },
            operator: '=',
            value: 'add_to_cart',
          },
        ],
      },
    },
  ],
};

export const WEBSITE_SERVICE = { name: 'website', attribute_groups: [{ name: 'shopper', version: 1 }], is_published: true };

export const BIG_CART = {
  name: 'big_cart',
  version: 1,
  is_published: true,
  criteria: {
    all: [
      { attribute: 'shopper:cart_value', operator: '>', value: 100 },
      { attribute: 'shopper:page_views_10m', operator: '>=', value: 3 },
    ],
  },
};

export const PUBLISH_REQUEST = { attribute_groups: [{ name: 'shopper', version: 1 }], services: [{ name: 'website' }], interventions: [{ name: 'big_cart', version: 1 }] };

export const PAGE_VIEW_EVENT = {
  event_id: 'c6ef3124-b53a-4b13-a233-0e4b1b3f2b7c', collector_tstamp: COLLECTED_AT, v_collector: 'demo', v_etl: 'demo',
  event: 'page_view', event_vendor: 'com.snowplowanalytics.snowplow', event_name: 'page_view', event_format: 'jsonschema',
  event_version: '1-0-0', domain_userid: USER, page_urlpath: '/products/shoe-1',
};
export const ADD_TO_CART_EVENT = {
  event_id: '9a97609f-99d6-4e58-b2a4-99d8e9cfdfa2', collector_tstamp: COLLECTED_AT, v_collector: 'demo', v_etl: 'demo',
  event: 'unstruct', event_vendor: ECOMMERCE, event_name: 'snowplow_ecommerce_action',
  event_format: 'jsonschema', event_version: '1-0-2', domain_userid: USER,
  unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1: { type: 'add_to_cart' },
  contexts_com_snowplowanalytics_snowplow_ecommerce_product_1: [{ id: 'SKU-1', name: 'Red Shoe', price: 59.99, currency: 'EUR' }],
};
/** The README's batch: two good events and one that is not an event (reported, kept as a bad row). */
export const EVENTS_BATCH = [PAGE_VIEW_EVENT, ADD_TO_CART_EVENT, { hello: 'not an event' }];
const ECOMMERCE_SCHEMAS = {
  contexts_com_snowplowanalytics_snowplow_ecommerce_product_1: `iglu:${ECOMMERCE}/product/jsonschema/1-0-0`,
  unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1: `iglu:${ECOMMERCE}/snowplow_ecommerce_action/jsonschema/1-0-2`,
};
/** The two good events as Snowplow Enrich writes them. */
export const EVENTS_TSV = [PAGE_VIEW_EVENT, ADD_TO_CART_EVENT]
  .map((e) => toEnrichedTsv(normalizeEnrichedJson(e), { schemas: ECOMMERCE_SCHEMAS }))
  .join('\n');
/** How the README's bad element is kept. */
export const BAD_ROW: BadRow = {
  received_at: COLLECTED_AT,
  source: 'api/events',
  reasons: ['hello: unknown key: not an enriched field, contexts_* or unstruct_event_*'],
  payload: '{"hello":"not an event"}',
  position: 2,
};
export const EVENTS_RESULT = {
  accepted: 2, processed: 2, duplicates: 0, rejected: 1,
  errors: [{ index: 2, reason: 'hello: unknown key: not an enriched field, contexts_* or unstruct_event_*' }],
};

export const ONLINE_ATTRIBUTES_REQUEST = { service: 'website', attribute_keys: { domain_userid: [USER, UNKNOWN_USER] } };
export const ONLINE_ATTRIBUTES = {
  domain_userid: [USER, UNKNOWN_USER],
  page_views: [1, null], page_views_10m: [1, null], last_page: ['/products/shoe-1', null], cart_value: [59.99, null],
};

export const INTERVENTION_PUSH = { name: 'big_cart', version: 1, attributes: { 'shopper:cart_value': 159.99, 'shopper:page_views_10m': 3 } };
export const INTERVENTION_INSTANCE = {
  intervention_id: INTERVENTION_ID, name: 'big_cart', version: 1,
  target_attribute_key: { name: 'domain_userid', id: USER },
  attributes: { 'shopper:cart_value': '159.99', 'shopper:page_views_10m': '3' },
};
export const INTERVENTION_STREAM = `: connected\n\nid: ${INTERVENTION_ID}\ndata: ${JSON.stringify(INTERVENTION_INSTANCE)}\n\n`;

export const WEBHOOK = { name: 'crm', url: 'https://crm.example.com/hooks/signalbox', interventions: ['big_cart'] };
export const WEBHOOK_CREATED = { ...WEBHOOK, secret: 'whsec_3q2fLx0cS1o9kTQmZ7vB4nYp8eRw6uJh', created_at: PUBLISHED_AT };
export const WEBHOOK_LISTED = {
  ...WEBHOOK, created_at: PUBLISHED_AT,
  stats: { delivered: 12, failedAttempts: 1, deadLettered: 0, pending: 0 },
};

/** What a JavaScript tracker POSTs: one page view in a `payload_data` wrapper. */
export const TP2_PAYLOAD = {
  schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4',
  data: [
    {
      e: 'pv', eid: 'b2d8c0e4-3f1a-4c6b-8e9d-5a7f1c2b3d4e', tv: 'js-4.10.1', tna: 'sp', aid: 'website', p: 'web',
      duid: USER, sid: '7c1e9b2a-4d3f-4a5e-8b6c-9d0e1f2a3b4c', vid: '1',
      url: 'https://shop.example.com/products/shoe-1', page: 'Red Shoe', dtm: '1777889670000', stm: '1777889670120',
    },
  ],
};
/** The same page view as a pixel GET (tracker `eventMethod: "get"`). */
export const PIXEL_QUERY = {
  e: 'pv', eid: 'b2d8c0e4-3f1a-4c6b-8e9d-5a7f1c2b3d4e', tv: 'js-4.10.1', aid: 'website', p: 'web', duid: USER,
  url: 'https://shop.example.com/products/shoe-1', page: 'Red Shoe', dtm: '1777889670000',
};

// ---- derived by Signalbox's own code ----------------------------------------------------------

const domainUserid = builtInKey('domain_userid')!;
export const PRODUCT_SKU_KEY_OUTPUT = attributeKeyOutput(AttributeKey.parse(PRODUCT_SKU_KEY));
export const SHOPPER_GROUP_OUTPUT = attributeGroupOutput(AttributeGroup.parse(SHOPPER_GROUP), domainUserid);
export const STREAM_ATTRIBUTES = buildStreamView([{ group: AttributeGroup.parse(SHOPPER_GROUP), key: domainUserid }]);
export const MICRO_GOOD_EVENT = goodEventOf(normalizeEnrichedJson(PAGE_VIEW_EVENT));
export const MICRO_BAD_EVENT = badEventOf(BAD_ROW);
