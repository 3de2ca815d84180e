/**
 * The collector over HTTP: the tracker requests captured in the reference (§1.6), the answers
 * the Snowplow collector gives (§1.7), bad rows and metrics, and attributes computed from
 * collector traffic.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer, tempDataDir } from '../support/server.js';

const TP2 = '/com.snowplowanalytics.snowplow/tp2';
const JSON_TYPE = 'application/json; charset=UTF-8';
const PAYLOAD_DATA = 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4';
const DUID = 'd2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c';

/** The node tracker 4.8.0 POST body of reference §1.6, verbatim. */
const NODE_POST = {
  schema: PAYLOAD_DATA,
  data: [
    {
      e: 'pv', url: 'https://shop.example.com/products/shoe-1?utm_source=news', page: 'Red Shoe', refr: 'https://www.google.com/',
      eid: '337becff-95b2-4367-a222-734374e627c0', p: 'srv', tv: 'node-4.8.0', tna: 'sigtest', aid: 'shop-web', uid: 'user-42',
      dtm: '1795881710004', duid: DUID, sid: '5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b', vid: '3', stm: '1795881710006',
    },
    {
      e: 'ue', eid: '3ea201c3-62ba-4f09-846f-85d0d6fed55d', p: 'srv', tv: 'node-4.8.0', tna: 'sigtest', aid: 'shop-web', uid: 'user-42',
      dtm: '1795881710004', duid: DUID, sid: '5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b', vid: '3',
      ue_px: 'eyJzY2hlbWEiOiJpZ2x1OmNvbS5zbm93cGxvd2FuYWx5dGljcy5zbm93cGxvdy91bnN0cnVjdF9ldmVudC9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6eyJzY2hlbWEiOiJpZ2x1OmNvbS5zbm93cGxvd2FuYWx5dGljcy5zbm93cGxvdy5lY29tbWVyY2Uvc25vd3Bsb3dfZWNvbW1lcmNlX2FjdGlvbi9qc29uc2NoZW1hLzEtMC0yIiwiZGF0YSI6eyJ0eXBlIjoiYWRkX3RvX2NhcnQifX19',
      cx: 'eyJzY2hlbWEiOiJpZ2x1OmNvbS5zbm93cGxvd2FuYWx5dGljcy5zbm93cGxvdy9jb250ZXh0cy9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6W3sic2NoZW1hIjoiaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cuZWNvbW1lcmNlL3Byb2R1Y3QvanNvbnNjaGVtYS8xLTAtMCIsImRhdGEiOnsiaWQiOiJTS1UtMSIsImNhdGVnb3J5Ijoic2hvZXMiLCJwcmljZSI6NTkuOTksImN1cnJlbmN5IjoiRVVSIiwicXVhbnRpdHkiOjF9fV19',
      stm: '1795881710006',
    },
  ],
};

/** The node tracker GET request of reference §1.6, verbatim. */
const NODE_GET = '/i?stm=1795881710964&e=pv&url=https%3A%2F%2Fshop.example.com%2Fproducts%2Fshoe-1%3Futm_source%3Dnews%26utm_medium%3Demail%23top&page=Red%20Shoe&refr=https%3A%2F%2Fwww.google.com%2Fsearch%3Fq%3Dred%2Bshoe&eid=fa1b211c-a563-4d6c-b5d9-7ed17234691f&p=web&tv=node-4.8.0&tna=sigtest&aid=shop-web&uid=user-42&res=1920x1080&vp=1280x720&cd=24&tz=Europe%2FLondon&lang=en-GB&ip=203.0.113.7&ua=Mozilla%2F5.0%20(Macintosh%3B%20Intel%20Mac%20OS%20X%2010_15_7)%20AppleWebKit%2F537.36%20(KHTML%2C%20like%20Gecko)%20Chrome%2F124.0%20Safari%2F537.36&dtm=1795881710962&duid=d2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c&nuid=8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0&sid=5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b&vid=3&cx=eyJzY2hlbWEiOiJpZ2x1OmNvbS5zbm93cGxvd2FuYWx5dGljcy5zbm93cGxvdy9jb250ZXh0cy9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6W3sic2NoZW1hIjoiaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cvd2ViX3BhZ2UvanNvbnNjaGVtYS8xLTAtMCIsImRhdGEiOnsiaWQiOiIwZjRjOGIxZS05ZDJhLTRiM2MtOGU3Zi0xYTJiM2M0ZDVlNmYifX1dfQ';

const GROUP = {
  name: 'shop', version: 1, attribute_key: { name: 'domain_userid' }, owner: 'team@example.com', is_published: true,
  attributes: [
    { name: 'page_views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] },
    { name: 'add_to_carts', type: 'int32', aggregation: 'counter', events: [{ vendor: 'com.snowplowanalytics.snowplow.ecommerce', name: 'snowplow_ecommerce_action' }], criteria: { all: [{ property: { type: 'event', vendor: 'com.snowplowanalytics.snowplow.ecommerce', name: 'snowplow_ecommerce_action', major_version: 1, path: 'type' }, operator: '=', value: 'add_to_cart' }] } },
    { name: 'cart_value', type: 'double', aggregation: 'sum', events: [{ name: 'snowplow_ecommerce_action' }], property: { type: 'entity', vendor: 'com.snowplowanalytics.snowplow.ecommerce', name: 'product', major_version: 1, path: 'price' } },
    { name: 'last_source', type: 'string', aggregation: 'last', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'mkt_source' } },
  ],
};

let server: TestServer;
const now = Date.parse('2026-11-28T12:00:00.000Z');
beforeEach(async () => {
  server = await startTestServer({}, { clock: () => now });
});
afterEach(() => server.destroy());

const post = (body: unknown, headers: Record<string, string> = {}, url = TP2) =>
  server.app.inject({ method: 'POST', url, headers: { 'content-type': JSON_TYPE, ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

async function attributes(group = 'shop', key = 'domain_userid', id = DUID): Promise<Record<string, unknown[]>> {
  const names = GROUP.attributes.map((a) => `${group}_v1:${a.name}`);
  const res = await server.call('POST', '/api/v1/get-online-attributes', { attributes: names, attribute_keys: { [key]: [id] }, full_attribute_names: false });
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown[]>;
}

describe('POST /com.snowplowanalytics.snowplow/tp2', () => {
  it('takes the node tracker batch of the reference, answers ok and computes attributes from it', async () => {
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', GROUP)).status).toBe(200);
    const res = await post(NODE_POST, { 'user-agent': 'node' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('ok');
    expect(await attributes()).toMatchObject({ domain_userid: [DUID], page_views: [1], add_to_carts: [1], cart_value: [59.99], last_source: ['news'] });
  });

  it('keeps each bad event of a request as a bad row with its position and reasons, and processes the rest', async () => {
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', GROUP)).status).toBe(200);
    const good = (i: number) => ({ e: 'pv', p: 'web', tv: 'js-4.10.1', duid: DUID, eid: `00000000-0000-4000-8000-00000000000${i}` });
    const res = await post({ schema: PAYLOAD_DATA, data: [good(1), { ...good(2), e: 'bogus' }, good(3), { ...good(4), vid: 4, ue_pr: '{' }, good(5)] });
    expect(res.statusCode).toBe(200);
    expect((await attributes()).page_views).toEqual([3]);
    const bad = await server.call('GET', '/api/v1/bad-rows');
    expect(bad.body.total).toBe(2);
    expect(bad.body.bad_rows).toEqual([
      // Every reason, not only the first (docs/collector.md).
      expect.objectContaining({ source: 'collector/tp2', position: 3, reasons: ['vid: value is not a string (got number)', expect.stringMatching(/^ue_pr: invalid JSON: /)] }),
      expect.objectContaining({ source: 'collector/tp2', position: 1, reasons: ['e: unknown event type "bogus", expected pv, pp, se, ue, tr, ti or ev'], payload: JSON.stringify({ ...good(2), e: 'bogus' }) }),
    ]);
    const metrics = (await server.call('GET', '/metrics')).text;
    expect(metrics).toContain('signalbox_bad_rows_total{source="collector/tp2"} 2');
    expect(metrics).toContain('signalbox_collector_events_total{outcome="good"} 3');
    expect(metrics).toContain('signalbox_collector_events_total{outcome="bad"} 2');
    expect(metrics).toMatch(/signalbox_collector_requests_total\{method="POST",path="\/com.snowplowanalytics.snowplow\/tp2",status="200"\} 1/);
  });

  it('merges query-string parameters into every event of the body', async () => {
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', GROUP)).status).toBe(200);
    const res = await post({ schema: PAYLOAD_DATA, data: [{ e: 'pv', p: 'web', tv: 't', duid: 'someone-else' }, { e: 'pv', p: 'web', tv: 't' }] }, {}, `${TP2}?duid=${DUID}`);
    expect(res.statusCode).toBe(200);
    expect((await attributes()).page_views).toEqual([2]);
  });

  it('answers a request it cannot read at all with a clear error, and keeps it as a bad row', async () => {
    const notJson = await post('{"schema": "iglu:', {});
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toEqual({ code: 'SIGNALBOX_ERR_COLLECTOR_BAD_PAYLOAD', error: expect.stringMatching(/^body is not JSON: .*\(kept as a bad row\)$/) });
    const wrongType = await post(NODE_POST, { 'content-type': 'text/plain' });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().error).toBe('content type must be application/json, got "text/plain" (kept as a bad row)');
    const empty = await post({ schema: PAYLOAD_DATA, data: [] });
    expect(empty.statusCode).toBe(400);
    const bad = await server.call('GET', '/api/v1/bad-rows');
    expect(bad.body.bad_rows.map((r: { reasons: string[] }) => r.reasons[0])).toEqual([
      'data is an empty array: expected at least one event',
      'content type must be application/json, got "text/plain"',
      expect.stringMatching(/^body is not JSON/),
    ]);
  });

  it('refuses a body over 1 MiB with a clear 413', async () => {
    const big = { schema: PAYLOAD_DATA, data: [{ e: 'pv', p: 'web', tv: 't', page: 'x'.repeat(1024 * 1024) }] };
    const res = await post(big);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ code: 'SIGNALBOX_ERR_REQUEST_TOO_LARGE', error: expect.stringMatching(/^request body is \d+ bytes, more than the collector's 1048576-byte limit; split it into smaller batches$/) });
    expect((await server.call('GET', '/api/v1/bad-rows')).body.bad_rows[0]).toMatchObject({ source: 'collector/tp2', payload: expect.stringMatching(/bytes, not kept/) });
  });
});

describe('durability', () => {
  it('keeps acknowledged collector events across a restart: they are in the event log', async () => {
    const dataDir = tempDataDir();
    const first = await startTestServer({}, { dataDir });
    expect((await first.call('POST', '/api/v1/registry/attribute_groups/', GROUP)).status).toBe(200);
    const res = await first.app.inject({ method: 'POST', url: TP2, headers: { 'content-type': JSON_TYPE }, payload: JSON.stringify(NODE_POST) });
    expect(res.statusCode).toBe(200);
    await first.close();
    const second = await startTestServer({}, { dataDir });
    try {
      const read = await second.call('POST', '/api/v1/get-online-attributes', { attributes: ['shop_v1:page_views', 'shop_v1:cart_value'], attribute_keys: { domain_userid: [DUID] } });
      expect(read.body).toEqual({ domain_userid: [DUID], page_views: [1], cart_value: [59.99] });
    } finally {
      await second.destroy();
    }
  });
});

describe('GET /i', () => {
  it('takes the node tracker GET request of the reference and answers the 1x1 GIF', async () => {
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', GROUP)).status).toBe(200);
    const res = await server.app.inject({ method: 'GET', url: NODE_GET });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect(res.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
    expect(res.rawPayload.toString('base64')).toBe('R0lGODlhAQABAPAAAP///wAAACH5BAUAAAAALAAAAAABAAEAAAICRAEAOw==');
    // nuid in the query string is the network user id, and the cookie is set to it.
    expect(res.headers['set-cookie']).toBe('sp=8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0; Max-Age=31536000; Path=/; HttpOnly');
    expect(await attributes()).toMatchObject({ page_views: [1], last_source: ['news'] });
  });

  it('keeps a bad GET event as a bad row with source collector/i and still answers the pixel', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/i?e=pv&p=web&tv=t&res=big' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect((await server.call('GET', '/api/v1/bad-rows')).body.bad_rows).toEqual([
      expect.objectContaining({ source: 'collector/i', position: 0, reasons: ['res: expected WIDTHxHEIGHT in whole pixels, got "big"'], payload: 'e=pv&p=web&tv=t&res=big' }),
    ]);
  });

  it('also answers HEAD /i, /ice.png and a GET on the tp2 path', async () => {
    for (const [method, url] of [['HEAD', '/i?e=pv&p=web&tv=t'], ['GET', '/ice.png?e=pv&p=web&tv=t'], ['GET', `${TP2}?e=pv&p=web&tv=t`]] as const) {
      const res = await server.app.inject({ method, url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toBe('image/gif');
    }
  });
});

describe('the network user id cookie', () => {
  const event = { schema: PAYLOAD_DATA, data: [{ e: 'pv', p: 'web', tv: 't' }] };
  const group = { ...GROUP, name: 'by_network', attribute_key: { name: 'network_userid' }, attributes: [GROUP.attributes[0]!] };

  it('sets a new one for a year when the request has none, and keeps the one it has', async () => {
    const first = await post(event);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/^sp=[0-9a-f-]{36}; Max-Age=31536000; Path=\/; HttpOnly$/);
    const again = await post(event, { cookie: 'other=1; sp=8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' });
    expect(again.headers['set-cookie']).toBe('sp=8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0; Max-Age=31536000; Path=/; HttpOnly');
  });

  it('is SameSite=None; Secure behind https', async () => {
    const res = await post(event, { 'x-forwarded-proto': 'https' });
    expect(String(res.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=None; Secure$/);
  });

  it('keys attributes by network_userid', async () => {
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', group)).status).toBe(200);
    await post(event, { cookie: 'sp=nuid-1' });
    await post(event, { cookie: 'sp=nuid-1' });
    const res = await server.call('POST', '/api/v1/get-online-attributes', { attributes: ['by_network_v1:page_views'], attribute_keys: { network_userid: ['nuid-1'] } });
    expect(res.body).toEqual({ network_userid: ['nuid-1'], page_views: [2] });
  });

  it('honours SP-Anonymous: no cookie, no network_userid, no IP', async () => {
    const anonymousGroup = { ...GROUP, name: 'anon', attributes: [{ name: 'ips', type: 'string_list', aggregation: 'unique_list', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'user_ipaddress' } }, { name: 'nuids', type: 'string_list', aggregation: 'unique_list', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'network_userid' } }, GROUP.attributes[0]!] };
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', anonymousGroup)).status).toBe(200);
    const res = await post({ schema: PAYLOAD_DATA, data: [{ e: 'pv', p: 'web', tv: 't', duid: DUID }] }, { 'sp-anonymous': '*', cookie: 'sp=known-user', 'x-forwarded-for': '203.0.113.9' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    const read = await server.call('POST', '/api/v1/get-online-attributes', { attributes: ['anon_v1:ips', 'anon_v1:nuids', 'anon_v1:page_views'], attribute_keys: { domain_userid: [DUID] } });
    expect(read.body).toEqual({ domain_userid: [DUID], ips: [[]], nuids: [[]], page_views: [1] });
  });

  it('records the first X-Forwarded-For address as the IP', async () => {
    const ipGroup = { ...GROUP, name: 'ip', attributes: [{ name: 'ips', type: 'string_list', aggregation: 'unique_list', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'user_ipaddress' } }] };
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', ipGroup)).status).toBe(200);
    await post({ schema: PAYLOAD_DATA, data: [{ e: 'pv', p: 'web', tv: 't', duid: DUID }] }, { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' });
    const read = await server.call('POST', '/api/v1/get-online-attributes', { attributes: ['ip_v1:ips'], attribute_keys: { domain_userid: [DUID] } });
    expect(read.body.ips).toEqual([['203.0.113.9']]);
  });
});

function headersOf(response: Response): Record<string, string> {
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

describe('CORS over a real socket', () => {
  let live: TestServer;
  beforeEach(async () => {
    live = await startTestServer({}, { listen: true });
  });
  afterEach(() => live.destroy());

  it('answers the preflight and the POST with the Origin echoed and credentials allowed', async () => {
    const origin = 'http://shop.example.com:3000';
    const pre = await fetch(`${live.url}${TP2}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(pre.status).toBe(200);
    expect(headersOf(pre)).toMatchObject({
      'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'Content-Type, SP-Anonymous', 'access-control-max-age': '3600',
    });
    const res = await fetch(`${live.url}${TP2}`, { method: 'POST', headers: { origin, 'content-type': JSON_TYPE }, body: JSON.stringify(NODE_POST) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    const pixel = await fetch(`${live.url}/i?e=pv&p=web&tv=t`);
    expect(pixel.headers.get('access-control-allow-origin')).toBe('*');
    const errorReply = await fetch(`${live.url}${TP2}`, { method: 'POST', headers: { origin, 'content-type': JSON_TYPE }, body: '{' });
    expect(errorReply.status).toBe(400);
    expect(errorReply.headers.get('access-control-allow-origin')).toBe(origin);
  });
});
