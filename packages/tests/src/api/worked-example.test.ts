/** The README's worked example, step by step: define, publish, send events, read attributes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrichedEvent } from '../support/events.js';
import { type TestServer, startTestServer } from '../support/server.js';

let server: TestServer;
let now = Date.parse('2026-11-28T12:00:00Z');
beforeEach(async () => {
  now = Date.parse('2026-11-28T12:00:00Z');
  server = await startTestServer({}, { clock: () => now });
});
afterEach(() => server.destroy());

const group = {
  name: 'shopping',
  version: 1,
  attribute_key: { name: 'domain_userid' },
  owner: 'team@example.com',
  is_published: true,
  attributes: [
    { name: 'page_views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] },
    { name: 'page_views_10m', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }], period: 'PT10M' },
    { name: 'last_title', type: 'string', aggregation: 'last', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'page_title' } },
    { name: 'titles', type: 'string_list', aggregation: 'unique_list', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'page_title' } },
  ],
};

describe('worked example', () => {
  it('computes attributes from events and serves them through a service', async () => {
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', group)).status).toBe(200);
    expect((await server.call('POST', '/api/v1/registry/services/', { name: 'web', attribute_groups: [{ name: 'shopping', version: 1 }], is_published: true })).status).toBe(200);
    const user = '2b8a6f4e-0c1d-4e5f-8a9b-0c1d2e3f4a5b';
    const events = [
      enrichedEvent({ time: now - 60_000, domain_userid: user, page_title: 'Home' }),
      enrichedEvent({ time: now - 30_000, domain_userid: user, page_title: 'Shoes' }),
      enrichedEvent({ time: now - 20 * 60_000, domain_userid: user, page_title: 'Old' }),
    ];
    const sent = await server.call('POST', '/api/v1/events', events);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ accepted: 3, processed: 3, rejected: 0 });

    const read = await server.call('POST', '/api/v1/get-online-attributes', { service: 'web', attribute_keys: { domain_userid: [user, 'nobody'] } });
    expect(read.status).toBe(200);
    // The 20-minute-old event arrived after its tile left the 10-minute window, so only lifetime counts it.
    expect(read.body).toEqual({
      domain_userid: [user, 'nobody'],
      page_views: [3, null],
      page_views_10m: [2, null],
      last_title: ['Shoes', null],
      titles: [['Old', 'Home', 'Shoes'], null],
    });

    now += 11 * 60_000;
    const later = await server.call('POST', '/api/v1/get-online-attributes', {
      attributes: ['shopping_v1:page_views_10m', 'shopping_v1:page_views'],
      attribute_keys: { domain_userid: [user] },
      full_attribute_names: true,
    });
    expect(later.body).toEqual({ domain_userid: [user], 'shopping_v1:page_views_10m': [0], 'shopping_v1:page_views': [3] });
  });
});
