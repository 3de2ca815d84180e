/**
 * The Snowplow Micro-compatible API: what a tracking test written against Micro sees when it
 * points at Signalbox — counts, good events with Micro's filters and shapes, bad events, reset.
 */
import { ENRICHED_FIELDS, type EnrichedEvent, parseEnrichedTsv } from '@signalbox/core';
import { generateTsv } from '@signalbox/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../support/server.js';

const WEB_PAGE = 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0';
const PRODUCT = 'iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0';
const CART = 'iglu:com.snowplowanalytics.snowplow.ecommerce/cart/jsonschema/1-0-0';
const ACTION = 'iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2';
const ACTION_KEY = 'unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1';

// One of each kind the tests filter on, taken from the generator's output in its order.
const generated = [...generateTsv({ events: 3000, users: 30, seed: 'micro' })];
const kindOf = (e: EnrichedEvent) => (e[ACTION_KEY] as { type: string } | undefined)?.type ?? String(e['event']);
function firstOf(kind: string): string {
  const line = generated.find((l) => kindOf(parseEnrichedTsv(l)) === kind);
  if (!line) throw new Error(`the generator made no ${kind}`);
  return line;
}
const LINES = ['page_view', 'product_view', 'add_to_cart', 'struct'].map(firstOf);
const EVENTS = LINES.map(parseEnrichedTsv);
const BAD_LINE = 'not\tan\tenriched\tevent';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.destroy());

/** Micro has no API key, so neither do these calls. */
const micro = (method: string, url: string, body?: unknown) => server.call(method, url, body, { auth: false });

async function sendAll() {
  const response = await server.call('POST', '/api/v1/events', [...LINES, BAD_LINE].join('\n'), { contentType: 'text/tab-separated-values' });
  expect(response.body).toMatchObject({ accepted: 4, rejected: 1 });
}

describe('/micro/all and /micro/reset', () => {
  it('counts good and bad events, without an API key, and forgets them on reset', async () => {
    expect((await micro('GET', '/micro/all')).body).toEqual({ total: 0, good: 0, bad: 0 });
    await sendAll();
    expect((await micro('GET', '/micro/all')).body).toEqual({ total: 5, good: 4, bad: 1 });
    expect((await micro('POST', '/micro/all')).body).toEqual({ total: 5, good: 4, bad: 1 });

    const reset = await micro('GET', '/micro/reset');
    expect(reset.status).toBe(200);
    expect(reset.text).toBe('Reset completed');
    expect((await micro('GET', '/micro/all')).body).toEqual({ total: 0, good: 0, bad: 0 });
    expect((await micro('GET', '/micro/good')).body).toEqual([]);
    expect((await micro('GET', '/micro/bad')).body).toEqual([]);

    await sendAll();
    expect((await micro('POST', '/micro/reset')).text).toBe('Reset completed');
    expect((await micro('GET', '/micro/all')).body).toEqual({ total: 0, good: 0, bad: 0 });
  });
});

describe('/micro/good', () => {
  beforeEach(sendAll);

  it('lists good events newest first in Micro\'s GoodEvent shape', async () => {
    const { status, body } = await micro('GET', '/micro/good');
    expect(status).toBe(200);
    expect(body).toHaveLength(4);
    expect(body.map((g: { event: { event_id: string } }) => g.event.event_id)).toEqual(EVENTS.map((e) => e['event_id']).reverse());
    const addToCart = body[1];
    expect(Object.keys(addToCart)).toEqual(['rawEvent', 'eventType', 'schema', 'contexts', 'event', 'incomplete']);
    expect(addToCart).toMatchObject({ eventType: 'unstruct', schema: ACTION, contexts: [PRODUCT, CART, WEB_PAGE], incomplete: false });
  });

  it('gives the non-lossy event: 131 keys in TSV order, nulls, wrapped JSON columns', async () => {
    const [, addToCart] = (await micro('GET', '/micro/good')).body;
    const source = EVENTS[2]!;
    const event = addToCart.event;
    expect(Object.keys(event)).toEqual(ENRICHED_FIELDS.map((f) => f.name));
    expect(event.event_id).toBe(source['event_id']);
    expect(event.collector_tstamp).toBe(source['collector_tstamp']);
    expect(event.domain_sessionidx).toBe(source['domain_sessionidx']);
    expect(event.br_cookies).toBe(true);
    expect(event.user_fingerprint).toBeNull();
    expect(event.contexts.schema).toBe('iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0');
    expect(event.contexts.data.map((c: { schema: string }) => c.schema)).toEqual([PRODUCT, CART, WEB_PAGE]);
    expect(event.contexts.data[0].data).toEqual((source['contexts_com_snowplowanalytics_snowplow_ecommerce_product_1'] as unknown[])[0]);
    expect(event.derived_contexts).toEqual({});
    expect(event.unstruct_event).toEqual({
      schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
      data: { schema: ACTION, data: { type: 'add_to_cart' } },
    });
    const pageView = (await micro('GET', '/micro/good')).body[3];
    expect(pageView.event.unstruct_event).toBeNull();
    expect(pageView.schema).toBe('iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0');
  });

  it('rebuilds the tracker parameters in rawEvent', async () => {
    const pageView = (await micro('GET', '/micro/good')).body[3];
    const source = EVENTS[0]!;
    expect(pageView.rawEvent.api).toEqual({ vendor: 'com.snowplowanalytics.snowplow', version: 'tp2' });
    expect(pageView.rawEvent.parameters).toMatchObject({
      e: 'pv',
      eid: source['event_id'],
      aid: 'shop-web',
      p: 'web',
      tv: 'js-4.10.1',
      url: source['page_url'],
      page: source['page_title'],
      duid: source['domain_userid'],
      sid: source['domain_sessionid'],
      vid: String(source['domain_sessionidx']),
      dtm: String(Date.parse(String(source['dvce_created_tstamp']))),
      cookie: '1',
    });
    expect(JSON.parse(pageView.rawEvent.parameters.co).data[0].schema).toBe(WEB_PAGE);
    expect(pageView.rawEvent.context).toMatchObject({ ipAddress: source['user_ipaddress'], useragent: source['useragent'], userId: source['network_userid'] });
  });

  it('filters by event_type, schema, contexts and limit (POST body)', async () => {
    const ids = async (filters: unknown) => {
      const response = await micro('POST', '/micro/good', filters);
      expect(response.status).toBe(200);
      return response.body.map((g: { event: { event_id: string } }) => g.event.event_id);
    };
    const id = (i: number) => EVENTS[i]!['event_id'];
    expect(await ids({ event_type: 'unstruct' })).toEqual([id(2), id(1)]);
    expect(await ids({ event_type: 'page_view' })).toEqual([id(0)]);
    expect(await ids({ schema: ACTION })).toEqual([id(2), id(1)]);
    expect(await ids({ schema: 'iglu:com.google.analytics/event/jsonschema/1-0-0' })).toEqual([id(3)]);
    expect(await ids({ contexts: [PRODUCT] })).toEqual([id(2), id(1)]);
    expect(await ids({ contexts: [CART, PRODUCT] })).toEqual([id(2)]);
    expect(await ids({ contexts: [WEB_PAGE] })).toHaveLength(4);
    expect(await ids({ contexts: ['iglu:com.acme/missing/jsonschema/1-0-0'] })).toEqual([]);
    expect(await ids({ limit: 2 })).toEqual([id(3), id(2)]);
    expect(await ids({ event_type: 'unstruct', contexts: [PRODUCT], limit: 1 })).toEqual([id(2)]);
    expect(await ids({ event_type: null, schema: null, contexts: null, limit: null })).toHaveLength(4);
    expect(await ids({})).toHaveLength(4);
  });

  it('takes the same filters as query parameters on GET', async () => {
    const got = await micro('GET', `/micro/good?event_type=unstruct&contexts=${encodeURIComponent(CART)}&limit=5`);
    expect(got.body.map((g: { event: { event_id: string } }) => g.event.event_id)).toEqual([EVENTS[2]!['event_id']]);
  });

  it('answers 422 for filters of the wrong type', async () => {
    const response = await micro('POST', '/micro/good', { limit: -1, contexts: 'not-a-list' });
    expect(response.status).toBe(422);
    expect(response.body.detail.map((d: { loc: string[] }) => d.loc.join('.'))).toEqual(expect.arrayContaining(['body.limit', 'body.contexts']));
  });
});

describe('/micro/bad', () => {
  beforeEach(sendAll);

  it('lists rejected input with its errors in Micro\'s BadEvent shape', async () => {
    const { status, body } = await micro('GET', '/micro/bad');
    expect(status).toBe(200);
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({
      collectorPayload: { api: { vendor: 'signalbox', version: 'events' }, body: BAD_LINE },
      rawEvent: null,
      errors: [expect.stringMatching(/expected 131 tab-separated fields, got 4/)],
    });
  });

  it('filters by vendor, version and limit', async () => {
    expect((await micro('POST', '/micro/bad', { vendor: 'com.snowplowanalytics.snowplow' })).body).toEqual([]);
    expect((await micro('POST', '/micro/bad', { version: 'events' })).body).toHaveLength(1);
    expect((await micro('POST', '/micro/bad', { limit: 0 })).body).toEqual([]);
    expect((await micro('GET', '/micro/bad?vendor=signalbox&version=events')).body).toHaveLength(1);
  });
});
