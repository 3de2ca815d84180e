/**
 * The real `@snowplow/node-tracker` 4.8.0 against a running Signalbox: page views, structured
 * events and self-describing events with entities, over POST (batched and one event per request,
 * base64 and plain) and GET, read back as attributes.
 */
import {
  type RequestFailure, type SelfDescribingJson, type Tracker,
  buildPageView, buildSelfDescribingEvent, buildStructEvent, newTracker,
} from '@snowplow/node-tracker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../support/server.js';

const ECOMMERCE = 'com.snowplowanalytics.snowplow.ecommerce';
const GROUP = {
  name: 'node_shop', version: 1, attribute_key: { name: 'domain_userid' }, owner: 'team@example.com', is_published: true,
  attributes: [
    { name: 'page_views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] },
    { name: 'titles', type: 'string_list', aggregation: 'unique_list', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'page_title' } },
    { name: 'campaign', type: 'string', aggregation: 'last', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'mkt_campaign' } },
    { name: 'video_plays', type: 'int32', aggregation: 'counter', events: [{ vendor: 'com.google.analytics', name: 'event' }], criteria: { all: [{ property: { type: 'atomic', name: 'se_action' }, operator: '=', value: 'play' }] } },
    { name: 'watch_seconds', type: 'double', aggregation: 'sum', events: [{ name: 'event' }], property: { type: 'atomic', name: 'se_value' } },
    { name: 'add_to_carts', type: 'int32', aggregation: 'counter', events: [{ vendor: ECOMMERCE, name: 'snowplow_ecommerce_action', version: '1-0-2' }], criteria: { all: [{ property: { type: 'event', vendor: ECOMMERCE, name: 'snowplow_ecommerce_action', major_version: 1, path: 'type' }, operator: '=', value: 'add_to_cart' }] } },
    { name: 'cart_products', type: 'string_list', aggregation: 'unique_list', events: [{ name: 'snowplow_ecommerce_action' }], property: { type: 'entity', vendor: ECOMMERCE, name: 'product', major_version: 1, path: 'id' } },
    { name: 'cart_value', type: 'double', aggregation: 'sum', events: [{ name: 'snowplow_ecommerce_action' }], property: { type: 'entity', vendor: ECOMMERCE, name: 'product', major_version: 1, path: 'price' } },
    { name: 'last_user', type: 'string', aggregation: 'last', events: [], property: { type: 'atomic', name: 'user_id' } },
  ],
};
const BY_USER = {
  name: 'node_users', version: 1, attribute_key: { name: 'user_id' }, owner: 'team@example.com', is_published: true,
  attributes: [
    { name: 'events', type: 'int32', aggregation: 'counter', events: [] },
    { name: 'sessions', type: 'string_list', aggregation: 'unique_list', events: [], property: { type: 'atomic', name: 'domain_sessionid' } },
    { name: 'session_index', type: 'int32', aggregation: 'max', events: [], property: { type: 'atomic', name: 'domain_sessionidx' } },
    { name: 'platforms', type: 'string_list', aggregation: 'unique_list', events: [], property: { type: 'atomic', name: 'platform' } },
  ],
};

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({}, { listen: true });
  for (const group of [GROUP, BY_USER]) expect((await server.call('POST', '/api/v1/registry/attribute_groups/', group)).status).toBe(200);
});
afterEach(() => server.destroy());

interface Sent {
  tracker: Tracker;
  failures: RequestFailure[];
}

function tracker(options: { method: 'post' | 'get'; bufferSize: number; encodeBase64: boolean; user: string; session: string }): Sent {
  const sent: Sent = { tracker: undefined as unknown as Tracker, failures: [] };
  sent.tracker = newTracker(
    { namespace: 'sigtest', appId: 'shop-web', encodeBase64: options.encodeBase64 },
    {
      endpoint: server.url, eventMethod: options.method, bufferSize: options.bufferSize, retryFailedRequests: false,
      onRequestFailure: (failure) => { sent.failures.push(failure); },
    },
  );
  sent.tracker.setUserId(`user-${options.user}`);
  sent.tracker.setDomainUserId(options.user);
  sent.tracker.setSessionId(options.session);
  sent.tracker.setSessionIndex(3);
  return sent;
}

const product = (id: string, price: number): SelfDescribingJson => ({
  schema: `iglu:${ECOMMERCE}/product/jsonschema/1-0-0`,
  data: { id, category: 'shoes', price, currency: 'EUR', quantity: 1 },
});
// A builder is filled in by track(), so each event needs its own.
const addToCart = () => buildSelfDescribingEvent({ event: { schema: `iglu:${ECOMMERCE}/snowplow_ecommerce_action/jsonschema/1-0-2`, data: { type: 'add_to_cart' } } });

/**
 * The same session for every transport: 3 page views, 2 structured events, 2 add-to-carts with
 * product entities. With `flushEach`, every event is flushed on its own, so each POST carries one.
 */
async function session(sent: Sent, flushEach = false): Promise<void> {
  const t = sent.tracker;
  const track = async (...args: Parameters<Tracker['track']>) => {
    t.track(...args);
    if (flushEach) await t.flush();
  };
  await track(buildPageView({ pageUrl: 'https://shop.example.com/?utm_campaign=spring&utm_source=news', pageTitle: 'Home', referrer: 'https://www.google.com/' }));
  await track(buildPageView({ pageUrl: 'https://shop.example.com/products/shoe-1', pageTitle: 'Red Shoe' }));
  await track(buildStructEvent({ category: 'video', action: 'play', label: 'intro', value: 12.5 }));
  await track(buildStructEvent({ category: 'video', action: 'pause', value: 3 }));
  await track(addToCart(), [product('SKU-1', 59.5)]);
  await track(buildPageView({ pageUrl: 'https://shop.example.com/products/shoe-2', pageTitle: 'Blue Shoe' }));
  await track(addToCart(), [product('SKU-2', 40.25), { schema: `iglu:${ECOMMERCE}/cart/jsonschema/1-0-0`, data: { total_value: 99.75, currency: 'EUR' } }]);
  await t.flush();
}

/** The number of collector requests with this method that were answered 200. */
async function collectorRequests(method: 'GET' | 'POST'): Promise<number> {
  const path = method === 'GET' ? '/i' : '/com.snowplowanalytics.snowplow/tp2';
  const metrics = (await server.call('GET', '/metrics')).text;
  const line = metrics.split('\n').find((l) => l.startsWith(`signalbox_collector_requests_total{method="${method}",path="${path}",status="200"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

/**
 * `flush()` resolves once the tracker has handed its requests over, not when they were answered;
 * wait (up to 20 s, no timing asserted) until the user's 7 events were processed.
 */
async function waitForEvents(user: string, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await server.call('POST', '/api/v1/get-online-attributes', { attributes: ['node_users_v1:events'], attribute_keys: { user_id: [`user-${user}`] } });
    if (res.body?.events?.[0] === count) return;
    if (Date.now() > deadline) throw new Error(`only ${JSON.stringify(res.body)} of ${count} events arrived`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function readBack(user: string, session: string) {
  await waitForEvents(user, 7);
  const shop = await server.call('POST', '/api/v1/get-online-attributes', {
    attributes: GROUP.attributes.map((a) => `node_shop_v1:${a.name}`), attribute_keys: { domain_userid: [user] },
  });
  const users = await server.call('POST', '/api/v1/get-online-attributes', {
    attributes: BY_USER.attributes.map((a) => `node_users_v1:${a.name}`), attribute_keys: { user_id: [`user-${user}`] },
  });
  expect(shop.status).toBe(200);
  expect(users.status).toBe(200);
  return { shop: shop.body, users: users.body, session };
}

function expectSession(read: Awaited<ReturnType<typeof readBack>>, user: string): void {
  expect(read.shop).toEqual({
    domain_userid: [user],
    page_views: [3],
    titles: [expect.arrayContaining(['Home', 'Red Shoe', 'Blue Shoe'])],
    campaign: ['spring'],
    video_plays: [1],
    watch_seconds: [15.5],
    add_to_carts: [2],
    cart_products: [expect.arrayContaining(['SKU-1', 'SKU-2'])],
    cart_value: [99.75],
    last_user: [`user-${user}`],
  });
  expect(read.users).toEqual({ user_id: [`user-${user}`], events: [7], sessions: [[read.session]], session_index: [3], platforms: [['srv']] });
}

describe('@snowplow/node-tracker 4.8.0 against Signalbox', () => {
  it('POST, batched (bufferSize 10), base64 entities: one request carries the session', async () => {
    const sent = tracker({ method: 'post', bufferSize: 10, encodeBase64: true, user: 'node-post-batched', session: '11111111-2d4f-4e8a-9b7c-6a5d4e3f2a1b' });
    await session(sent);
    expectSession(await readBack('node-post-batched', '11111111-2d4f-4e8a-9b7c-6a5d4e3f2a1b'), 'node-post-batched');
    expect(sent.failures).toEqual([]);
    expect(await collectorRequests('POST')).toBe(1);
    expect((await server.call('GET', '/api/v1/bad-rows')).body.total).toBe(0);
  });

  it('POST, one event per request (bufferSize 1, flushed each time), plain JSON entities', async () => {
    const sent = tracker({ method: 'post', bufferSize: 1, encodeBase64: false, user: 'node-post-single', session: '22222222-2d4f-4e8a-9b7c-6a5d4e3f2a1b' });
    await session(sent, true);
    expectSession(await readBack('node-post-single', '22222222-2d4f-4e8a-9b7c-6a5d4e3f2a1b'), 'node-post-single');
    expect(sent.failures).toEqual([]);
    expect(await collectorRequests('POST')).toBe(7);
  });

  it('GET /i, one request per event', async () => {
    const sent = tracker({ method: 'get', bufferSize: 1, encodeBase64: true, user: 'node-get', session: '33333333-2d4f-4e8a-9b7c-6a5d4e3f2a1b' });
    await session(sent);
    expectSession(await readBack('node-get', '33333333-2d4f-4e8a-9b7c-6a5d4e3f2a1b'), 'node-get');
    expect(sent.failures).toEqual([]);
    expect(await collectorRequests('GET')).toBe(7);
  });

  it('GET with plain JSON entities in the query string', async () => {
    const sent = tracker({ method: 'get', bufferSize: 1, encodeBase64: false, user: 'node-get-plain', session: '44444444-2d4f-4e8a-9b7c-6a5d4e3f2a1b' });
    await session(sent);
    expectSession(await readBack('node-get-plain', '44444444-2d4f-4e8a-9b7c-6a5d4e3f2a1b'), 'node-get-plain');
    expect(sent.failures).toEqual([]);
  });
});
