/**
 * Thousands of generated events — every aggregation, with and without `period`, with criteria,
 * event and entity properties, a custom attribute key, duplicates, out-of-order, late and future
 * events — go through the running engine; every value read back, at several times so windows
 * slide and TTLs expire, must equal the reference model's.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrichedEvent } from '../support/events.js';
import { prng } from '../support/prng.js';
import { STREAM_BACKENDS } from '../support/backends.js';
import { type TestServer, startTestServer } from '../support/server.js';
import { type ModelGroup, ReferenceModel } from './reference-model.js';

const SEED = Number(process.env['SIGNALBOX_TEST_SEED'] ?? 20261128);
const ECOM = { vendor: 'com.snowplowanalytics.snowplow.ecommerce', name: 'snowplow_ecommerce_action' };
const ACTION_KEY = 'unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1';
const PRODUCT_KEY = 'contexts_com_snowplowanalytics_snowplow_ecommerce_product_1';
const product = (path: string) => ({ type: 'entity', vendor: ECOM.vendor, name: 'product', major_version: 1, path });
const action = (path: string) => ({ type: 'event', vendor: ECOM.vendor, name: ECOM.name, major_version: 1, path });
const atomic = (name: string) => ({ type: 'atomic', name });
const PV = [{ vendor: 'com.snowplowanalytics.snowplow', name: 'page_view' }];
const STRUCT = [{ vendor: 'com.google.analytics', name: 'event', version: '1-0-0' }];
const ACTION = [ECOM];

const userGroup = {
  name: 'user_stats',
  version: 1,
  attribute_key: { name: 'domain_userid' },
  ttl: 'PT1H',
  is_published: true,
  attributes: [
    { name: 'pv_count', type: 'int32', aggregation: 'counter', events: PV },
    { name: 'pv_count_1m', type: 'int32', aggregation: 'counter', events: PV, period: 'PT1M' },
    { name: 'product_pv_10m', type: 'int64', aggregation: 'counter', events: PV, period: 'PT10M', criteria: { all: [{ property: atomic('page_urlpath'), operator: 'like', value: '/product/%' }] } },
    { name: 'not_home', type: 'int32', aggregation: 'counter', events: PV, criteria: { any: [{ property: atomic('page_title'), operator: '!=', value: 'Home' }] } },
    { name: 'titles_in', type: 'int32', aggregation: 'counter', events: PV, criteria: { all: [{ property: atomic('page_title'), operator: 'in', value: ['Shoes', 'Hats'] }] } },
    { name: 'cart_value', type: 'double', aggregation: 'sum', events: ACTION, property: product('price'), criteria: { all: [{ property: action('type'), operator: '=', value: 'add_to_cart' }] } },
    { name: 'cart_value_5m', type: 'double', aggregation: 'sum', events: ACTION, property: product('price'), period: 'PT5M', criteria: { all: [{ property: action('type'), operator: '=', value: 'add_to_cart' }] } },
    { name: 'se_min', type: 'double', aggregation: 'min', events: STRUCT, property: atomic('se_value') },
    { name: 'se_max', type: 'double', aggregation: 'max', events: STRUCT, property: atomic('se_value') },
    { name: 'action_mean', type: 'double', aggregation: 'mean', events: ACTION, property: action('$.value') },
    { name: 'first_title', type: 'string', aggregation: 'first', events: PV, property: atomic('page_title') },
    { name: 'last_title', type: 'string', aggregation: 'last', events: PV, property: atomic('page_title') },
    { name: 'last_title_2m', type: 'string', aggregation: 'last', events: PV, property: atomic('page_title'), period: 'PT2M', default_value: 'none' },
    { name: 'paths', type: 'string_list', aggregation: 'unique_list', events: PV, property: atomic('page_urlpath') },
    { name: 'paths_1m', type: 'string_list', aggregation: 'unique_list', events: PV, property: atomic('page_urlpath'), period: 'PT1M' },
  ],
};
const productKey = { name: 'product_sku', property: product('id') };
const productGroup = {
  name: 'product_stats',
  version: 1,
  attribute_key: { name: 'product_sku' },
  is_published: true,
  attributes: [
    { name: 'adds', type: 'int32', aggregation: 'counter', events: ACTION },
    { name: 'quantity', type: 'int64', aggregation: 'sum', events: ACTION, property: product('quantity') },
    { name: 'buyers', type: 'string_list', aggregation: 'unique_list', events: ACTION, property: atomic('domain_userid') },
  ],
};

const HOUR = 3600_000;
const isPv = (e: any) => e.event_name === 'page_view';
const isStruct = (e: any) => e.event_name === 'event' && e.event_vendor === 'com.google.analytics';
const isAction = (e: any) => e.event_name === ECOM.name;
for (const backend of STREAM_BACKENDS) describe(`on ${backend.name}`, () => {
  const model = new ReferenceModel([
    {
      name: 'user_stats',
      keyOf: (e) => e.domain_userid,
      attributes: [
        { name: 'pv_count', aggregation: 'counter', type: 'int32', accepts: isPv, ttlMs: HOUR },
        { name: 'pv_count_1m', aggregation: 'counter', type: 'int32', accepts: isPv, periodMs: 60_000, ttlMs: 61_000 },
        { name: 'product_pv_10m', aggregation: 'counter', type: 'int64', accepts: (e) => isPv(e) && typeof e.page_urlpath === 'string' && e.page_urlpath.startsWith('/product/'), periodMs: 600_000, ttlMs: 610_000 },
        { name: 'not_home', aggregation: 'counter', type: 'int32', accepts: (e) => isPv(e) && e.page_title !== 'Home', ttlMs: HOUR },
        { name: 'titles_in', aggregation: 'counter', type: 'int32', accepts: (e) => isPv(e) && ['Shoes', 'Hats'].includes(e.page_title), ttlMs: HOUR },
        { name: 'cart_value', aggregation: 'sum', type: 'double', accepts: (e) => isAction(e) && e[ACTION_KEY]?.type === 'add_to_cart', value: (e) => e[PRODUCT_KEY]?.[0]?.price, ttlMs: HOUR },
        { name: 'cart_value_5m', aggregation: 'sum', type: 'double', accepts: (e) => isAction(e) && e[ACTION_KEY]?.type === 'add_to_cart', value: (e) => e[PRODUCT_KEY]?.[0]?.price, periodMs: 300_000, ttlMs: 305_000 },
        { name: 'se_min', aggregation: 'min', type: 'double', accepts: isStruct, value: (e) => e.se_value, ttlMs: HOUR },
        { name: 'se_max', aggregation: 'max', type: 'double', accepts: isStruct, value: (e) => e.se_value, ttlMs: HOUR },
        { name: 'action_mean', aggregation: 'mean', type: 'double', accepts: isAction, value: (e) => e[ACTION_KEY]?.value, ttlMs: HOUR },
        { name: 'first_title', aggregation: 'first', type: 'string', accepts: isPv, value: (e) => e.page_title, ttlMs: HOUR },
        { name: 'last_title', aggregation: 'last', type: 'string', accepts: isPv, value: (e) => e.page_title, ttlMs: HOUR },
        { name: 'last_title_2m', aggregation: 'last', type: 'string', accepts: isPv, value: (e) => e.page_title, periodMs: 120_000, ttlMs: 122_000, defaultValue: 'none' },
        { name: 'paths', aggregation: 'unique_list', type: 'string_list', accepts: isPv, value: (e) => e.page_urlpath, ttlMs: HOUR },
        { name: 'paths_1m', aggregation: 'unique_list', type: 'string_list', accepts: isPv, value: (e) => e.page_urlpath, periodMs: 60_000, ttlMs: 61_000 },
      ],
    },
    {
      name: 'product_stats',
      keyOf: (e) => e[PRODUCT_KEY]?.[0]?.id,
      attributes: [
        { name: 'adds', aggregation: 'counter', type: 'int32', accepts: isAction, ttlMs: 7 * 24 * HOUR },
        { name: 'quantity', aggregation: 'sum', type: 'int64', accepts: isAction, value: (e) => e[PRODUCT_KEY]?.[0]?.quantity, ttlMs: 7 * 24 * HOUR },
        { name: 'buyers', aggregation: 'unique_list', type: 'string_list', accepts: isAction, value: (e) => e.domain_userid, ttlMs: 7 * 24 * HOUR },
      ],
    },
  ] satisfies ModelGroup[]);

  const rand = prng(SEED);
  const users = Array.from({ length: 15 }, () => randomUUID());
  const skus = ['SKU-1', 'SKU-2', 'SKU-3', 'SKU-4', 'SKU-5', 'SKU-6'];
  const paths = ['/', '/product/1', '/product/2', '/product/3', '/cart', '/faq', '/product/9', '/about'];
  const titles = ['Home', 'Shoes', 'Hats', 'Cart', 'FAQ', 'About'];
  let now = Date.parse('2026-11-28T08:00:00Z');
  let server: TestServer;

  function makeEvent(): Record<string, unknown> {
    const r = rand.next();
    // Whole seconds, so many events share a time (ties) and tile edges are hit exactly.
    let time = Math.floor(now / 1000) * 1000 - rand.int(180) * 1000; // out of order by up to 3 minutes
    if (r < 0.03) time = now - 30 * 60_000; // late
    else if (r < 0.08) time = now + rand.int(30_000); // from the future: clamped to `now`
    const base = { time, domain_userid: rand.pick(users) };
    const kind = rand.next();
    if (kind < 0.5) {
      return enrichedEvent({ ...base, page_urlpath: rand.pick(paths), ...(rand.next() < 0.9 ? { page_title: rand.pick(titles) } : {}) });
    }
    if (kind < 0.7) {
      const seValue = rand.next() < 0.8 ? String(rand.int(400) / 4 - 20) : rand.next() < 0.5 ? 'abc' : undefined;
      return enrichedEvent({ ...base, event: 'struct', event_vendor: 'com.google.analytics', event_name: 'event', se_category: 'c', se_action: 'a', ...(seValue !== undefined ? { se_value: seValue } : {}) });
    }
    const payload: Record<string, unknown> = { type: rand.pick(['add_to_cart', 'add_to_cart', 'remove_from_cart']) };
    // Prices and values in cents: sums and means must read as decimals (design §3 "Values").
    if (rand.next() < 0.7) payload['value'] = rand.int(20_000) / 100;
    const withProduct = rand.next() < 0.9;
    return enrichedEvent({
      ...base,
      event: 'unstruct',
      event_vendor: ECOM.vendor,
      event_name: ECOM.name,
      event_version: '1-0-2',
      [ACTION_KEY]: payload,
      ...(withProduct ? { [PRODUCT_KEY]: [{ id: rand.pick(skus), price: rand.int(40_000) / 100, quantity: 1 + rand.int(3) }] } : {}),
    });
  }

  async function compareAll(at: number, label: string) {
    const groups = [
      { model: 0, group: userGroup, key: 'domain_userid', ids: users },
      { model: 1, group: productGroup, key: 'product_sku', ids: [...skus, 'SKU-unknown'] },
    ];
    for (const g of groups) {
      const res = await server.call('POST', '/api/v1/get-online-attributes', {
        attributes: g.group.attributes.map((a) => `${g.group.name}_v1:${a.name}`),
        attribute_keys: { [g.key]: g.ids },
      });
      expect(res.status, label).toBe(200);
      const modelGroup = (model as any).groups[g.model] as ModelGroup;
      for (const a of modelGroup.attributes) {
        const expected = g.ids.map((id) => model.read(modelGroup, a, id, at));
        expect(res.body[a.name], `${label}: ${g.group.name}.${a.name}`).toEqual(expected);
      }
    }
  }

  beforeAll(async () => {
    server = await startTestServer(backend.config, { clock: () => now });
    expect((await server.call('POST', '/api/v1/registry/attribute_keys/', productKey)).status).toBe(200);
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', userGroup)).status).toBe(200);
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', productGroup)).status).toBe(200);
  });
  afterAll(() => server.destroy());

  describe(`randomised stream semantics (seed ${SEED})`, () => {
    it('every value read back equals the reference model, as windows slide and TTLs expire', async () => {
      const sent: Record<string, unknown>[] = [];
      let batches = 0;
      for (let i = 0; i < 4000; ) {
        const batch: Record<string, unknown>[] = [];
        const size = 1 + rand.int(60);
        for (let j = 0; j < size; j++, i++) {
          // Duplicates: resend something already sent (possibly in this very batch).
          const event = sent.length > 0 && rand.next() < 0.05 ? rand.pick(sent) : makeEvent();
          batch.push(event);
          sent.push(event);
          // Bursts: another event of the same user at the same time, to exercise tie-breaking.
          if (event['event_name'] === 'page_view' && rand.next() < 0.15) {
            const twin = { ...event, event_id: randomUUID(), page_urlpath: rand.pick(paths.slice(0, 3)), page_title: rand.pick(titles.slice(0, 3)) };
            batch.push(twin);
            sent.push(twin);
          }
        }
        const res = await server.call('POST', '/api/v1/events', batch);
        expect(res.status).toBe(200);
        for (const e of batch) model.process(e, now);
        batches++;
        await compareAll(now, `after batch ${batches}`);
        // Mostly whole seconds, so reads also land exactly on tile edges.
        now += rand.next() < 0.7 ? rand.int(20) * 1000 : rand.int(20_000);
      }
      const end = Math.floor(now / 1000) * 1000;
      // Every second for a while (windows slide tile by tile, each read exactly on a tile edge), then TTLs.
      const seconds = Array.from({ length: 130 }, (_, i) => i * 1000);
      for (const later of [...seconds, 5 * 60_000, 11 * 60_000, 59 * 60_000, 61 * 60_000, 2 * 24 * HOUR, 8 * 24 * HOUR]) {
        now = end + later;
        await compareAll(now, `${later / 1000}s after the last event`);
      }
    });
  });
});
