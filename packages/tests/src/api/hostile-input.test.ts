/**
 * Hostile input through the real server (issue 7 items 17, 18 and 20; docs/limits.md):
 * - identifiers named after `Object.prototype` members are just identifiers in the Profiles Store,
 *   the collector and the webhooks;
 * - input nested thousands of levels deep is refused with a reason before anything recurses: a
 *   deep element of a batch becomes a bad row and the rest of the batch is processed;
 * - a seeded randomised run over every endpoint family (thousands of requests through `inject`,
 *   framing and SSE cases over real sockets) never gets a 5xx or a hang, leaves the pre-seeded
 *   state exactly as it was and keeps every rejected event as a bad row.
 *
 * Replay a failing run with `SIGNALBOX_TEST_SEED=<seed>` (the seed is in the test name).
 */
import { jsonText } from '@signalbox/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enrichedEvent, enrichedTsv } from '../support/events.js';
import { type Rng, prng } from '../support/prng.js';
import { type RawExchange, rawExchange } from '../support/raw-http.js';
import { type TestServer, startTestServer } from '../support/server.js';
import { type GeneratorName, type HostileRequest, PROTOTYPE_NAMES, TEST_KEY, TP2, deepValue, generators, pools } from './hostile-generators.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const SEED = Number(process.env['SIGNALBOX_TEST_SEED'] ?? 20261202);
const PAYLOAD_DATA = 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4';
const AUTH = { authorization: `Bearer ${TEST_KEY}` };

const iso = (ms: number) => new Date(ms).toISOString();
/** `levels` nested arrays, as text: JSON.stringify cannot write such a value. */
const deepArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deepObjects = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;

const viewsGroup = {
  name: 'visits', version: 1, attribute_key: { name: 'domain_userid' }, is_published: true,
  attributes: [
    { name: 'views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] },
    { name: 'last_path', type: 'string', aggregation: 'last', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'page_urlpath' } },
  ],
};

async function injectRaw(server: TestServer, method: string, url: string, payload: string, headers: Record<string, string>) {
  const res = await server.app.inject({ method: method as 'POST', url, headers, payload });
  return { status: res.statusCode, text: res.body, body: JSON.parse(res.body || 'null') as any };
}

async function badRows(server: TestServer, limit = 100): Promise<{ total: number; bad_rows: Array<{ source: string; reasons: string[]; payload: string; position?: number }> }> {
  return (await server.call('GET', `/api/v1/bad-rows?limit=${limit}`)).body;
}

describe('identifiers named after Object.prototype members', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({}, { clock: () => NOW });
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', viewsGroup)).status).toBe(200);
  });
  afterEach(() => server.destroy());

  const ids = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];
  const read = async () =>
    (await server.call('POST', '/api/v1/get-online-attributes', { attributes: ['visits_v1:views', 'visits_v1:last_path'], attribute_keys: { domain_userid: ids } })).body;

  it('are kept, read back and deleted like any identifier in the Profiles Store', async () => {
    // Identifier i gets i + 1 page views, the last on /<identifier>.
    const events = ids.flatMap((id, i) =>
      Array.from({ length: i + 1 }, (_, k) => enrichedEvent({ time: NOW - 1000 + k, domain_userid: id, page_urlpath: k === i ? `/${id}` : '/before' })),
    );
    expect((await server.call('POST', '/api/v1/events', events)).body).toMatchObject({ accepted: 15, processed: 15, rejected: 0 });
    expect(await read()).toEqual({ domain_userid: ids, views: [1, 2, 3, 4, 5], last_path: ids.map((id) => `/${id}`) });

    const deleted = await server.call('DELETE', '/api/v1/domain_userid/__proto__');
    expect(deleted.body).toEqual({ keys_found: true, message: 'deleted all attributes of domain_userid "__proto__"' });
    expect(await read()).toEqual({ domain_userid: ids, views: [null, 2, 3, 4, 5], last_path: [null, '/constructor', '/toString', '/valueOf', '/hasOwnProperty'] });
    expect((await server.call('DELETE', '/api/v1/domain_userid/__proto__')).body.keys_found).toBe(false);
    expect((await server.call('DELETE', '/api/v1/domain_userid/constructor')).body.keys_found).toBe(true);
    expect((await server.call('DELETE', '/api/v1/domain_userid/toString')).body.keys_found).toBe(true);
    expect((await read()).views).toEqual([null, null, null, 4, 5]);
    // A key nobody defined, named like a prototype member, holds nothing.
    expect((await server.call('DELETE', '/api/v1/constructor/toString')).body.keys_found).toBe(false);
  });

  it('reach the Profiles Store from the collector, as query parameters, cookies and parameter names', async () => {
    const query = (id: string) => `e=pv&p=web&tv=t&duid=${encodeURIComponent(id)}&url=${encodeURIComponent(`https://shop.example.com/${id}`)}&__proto__=x&constructor=y&toString=z`;
    for (const id of ids) {
      const res = await server.app.inject({ method: 'GET', url: `/i?${query(id)}`, headers: { cookie: `__proto__=1; constructor=2; sp=${id}` } });
      expect(res.statusCode).toBe(200);
    }
    const tp2 = await server.app.inject({
      method: 'POST', url: `${TP2}?valueOf=1`, headers: { 'content-type': 'application/json' },
      payload: `{"schema":"${PAYLOAD_DATA}","data":[{"e":"pv","p":"web","tv":"t","duid":"toString","url":"https://shop.example.com/again","__proto__":"p","hasOwnProperty":"h"}]}`,
    });
    expect(tp2.statusCode).toBe(200);
    expect(await read()).toEqual({ domain_userid: ids, views: [1, 1, 2, 1, 1], last_path: ['/__proto__', '/constructor', '/again', '/valueOf', '/hasOwnProperty'] });
    expect((await badRows(server)).total).toBe(0);
    // Each pixel's network user id came from its `sp` cookie, named like a prototype member too.
    const micro = (await server.call('GET', '/micro/good', undefined, { auth: false })).body as Array<{ event: { network_userid: string } }>;
    expect(micro).toHaveLength(6);
    expect(micro.map((e) => e.event.network_userid)).toEqual(expect.arrayContaining(ids));
  });

  it('are just names for webhooks', async () => {
    for (const name of PROTOTYPE_NAMES.slice(0, 5)) {
      const created = await server.call('POST', '/api/v1/webhooks', { name, url: `http://127.0.0.1:9/${name}` });
      expect(created.status).toBe(200);
      expect(created.body.name).toBe(name);
      expect((await server.call('GET', `/api/v1/webhooks/${name}`)).body).toMatchObject({ name, url: `http://127.0.0.1:9/${name}` });
      expect((await server.call('POST', '/api/v1/webhooks', { name, url: 'http://127.0.0.1:9/again' })).status).toBe(400);
    }
    expect(((await server.call('GET', '/api/v1/webhooks')).body as Array<{ name: string }>).map((w) => w.name)).toEqual([...PROTOTYPE_NAMES.slice(0, 5)].sort());
    expect((await server.call('GET', '/api/v1/webhooks/isPrototypeOf')).status).toBe(404);
    expect((await server.call('DELETE', '/api/v1/webhooks/constructor')).status).toBe(200);
    expect((await server.call('GET', '/api/v1/webhooks/constructor')).status).toBe(404);
  });
});

describe('input nested too deep', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({}, { clock: () => NOW });
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', viewsGroup)).status).toBe(200);
  });
  afterEach(() => server.destroy());

  const user = 'a9b8c7d6-0000-4000-8000-000000000d33';
  const views = async () =>
    (await server.call('POST', '/api/v1/get-online-attributes', { attributes: ['visits_v1:views', 'visits_v1:last_path'], attribute_keys: { domain_userid: [user] } })).body;

  it('a 5,000-deep item inside a batch of good events is a bad row; the good events are processed', async () => {
    const good = [1, 2, 3].map((i) => jsonText(enrichedEvent({ time: NOW - 10_000 + i, domain_userid: user, page_urlpath: `/p${i}` })));
    const body = `[${good[0]},${deepArrays(5000)},${good[1]},${deepObjects(5000)},${good[2]}]`;
    const res = await injectRaw(server, 'POST', '/api/v1/events', body, { ...AUTH, 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 3, processed: 3, rejected: 2 });
    expect(res.body.errors).toEqual([
      { index: 1, reason: 'expected an event object, got array' },
      { index: 3, reason: expect.stringContaining('a: unknown key') },
    ]);
    expect(await views()).toEqual({ domain_userid: [user], views: [3], last_path: ['/p3'] });
    const rows = await badRows(server);
    expect(rows.total).toBe(2);
    // Kept as sent (up to the bad-row payload limit), however deep.
    expect(rows.bad_rows.map((r) => [r.source, r.position, r.payload])).toEqual([
      ['api/events', 3, deepObjects(5000)],
      ['api/events', 1, deepArrays(5000)],
    ]);
    expect((await server.call('GET', '/health-all')).status).toBe(200);
  });

  it('an event whose entity data nests past the limit is a bad row naming the limit, in JSON and TSV', async () => {
    const event = (levels: number) => jsonText(enrichedEvent({ time: NOW - 5000, domain_userid: user })).replace(/}$/, `,"contexts_com_acme_thing_1":[${deepObjects(levels)}]}`);
    const res = await injectRaw(server, 'POST', '/api/v1/events', `[${event(64)},${event(65)},${event(5000)}]`, { ...AUTH, 'content-type': 'application/json' });
    expect(res.body).toMatchObject({ accepted: 1, rejected: 2 });
    expect(res.body.errors).toEqual([1, 2].map((index) => ({ index, reason: 'contexts_com_acme_thing_1: element 0 nests deeper than the limit of 64 levels of arrays and objects' })));
    expect((await views()).views).toEqual([1]);

    const line = (levels: number) => {
      const fields = enrichedTsv({ time: NOW - 4000, domain_userid: user }).split('\t');
      fields[52] = `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.acme/thing/jsonschema/1-0-0","data":${deepObjects(levels)}}]}`;
      return fields.join('\t');
    };
    const tsv = await injectRaw(server, 'POST', '/api/v1/events', [line(64), line(5000)].join('\n'), { ...AUTH, 'content-type': 'text/tab-separated-values' });
    expect(tsv.body).toMatchObject({ accepted: 1, rejected: 1, errors: [{ line: 2, reason: 'field 53 (contexts): data[0].data nests deeper than the limit of 64 levels of arrays and objects' }] });
    expect((await views()).views).toEqual([2]);
    expect((await badRows(server)).total).toBe(3);
  });

  it('a collector request: a deep element of data, deep cx and ue_px, each a bad row; the rest is processed', async () => {
    const cx = Buffer.from(`{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.acme/thing/jsonschema/1-0-0","data":${deepObjects(5000)}}]}`).toString('base64');
    const uePx = Buffer.from(`{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.acme/click/jsonschema/1-0-0","data":${deepObjects(5000)}}}`).toString('base64url');
    const pv = (path: string) => `{"e":"pv","p":"web","tv":"t","duid":"${user}","url":"https://shop.example.com${path}"}`;
    const data = [pv('/one'), deepArrays(5000), `{"e":"pv","p":"web","tv":"t","duid":"${user}","cx":"${cx}"}`, `{"e":"ue","p":"web","tv":"t","duid":"${user}","ue_px":"${uePx}"}`, pv('/two')];
    const res = await server.app.inject({ method: 'POST', url: TP2, headers: { 'content-type': 'application/json' }, payload: `{"schema":"${PAYLOAD_DATA}","data":[${data.join(',')}]}` });
    expect([res.statusCode, res.body]).toEqual([200, 'ok']);
    const pixel = await server.app.inject({ method: 'GET', url: `/i?e=pv&p=web&tv=t&duid=${user}&cx=${encodeURIComponent(cx)}` });
    expect(pixel.statusCode).toBe(200);
    expect(await views()).toEqual({ domain_userid: [user], views: [2], last_path: ['/two'] });
    const rows = (await badRows(server)).bad_rows.map((r) => [r.source, r.position, r.reasons]);
    expect(rows).toEqual([
      ['collector/i', 0, ['cx: data[0].data nests deeper than the limit of 64 levels of arrays and objects']],
      ['collector/tp2', 3, ['ue_px: data.data nests deeper than the limit of 64 levels of arrays and objects']],
      ['collector/tp2', 2, ['cx: data[0].data nests deeper than the limit of 64 levels of arrays and objects']],
      ['collector/tp2', 1, ['event nests deeper than the limit of 64 levels of arrays and objects; an event is an object of string parameters']],
    ]);
  });

  it('intervention criteria 1,000 deep are a 422 naming the limit; so are criteria one level past the criteria limit', async () => {
    let criteria = '{"attribute":"visits:views","operator":">","value":1}';
    for (let i = 0; i < 1000; i++) criteria = `{"all":[${criteria}]}`;
    const deep = await injectRaw(server, 'POST', '/api/v1/registry/interventions/', `{"name":"deep","criteria":${criteria}}`, { ...AUTH, 'content-type': 'application/json' });
    expect(deep.status).toBe(422);
    expect(deep.body).toEqual({
      detail: [{ loc: ['body'], msg: 'the body nests deeper than the limit of 64 levels of arrays and objects', type: 'json_too_deep' }],
      code: 'SIGNALBOX_ERR_REQUEST_INVALID',
    });

    let seventeen: unknown = { attribute: 'visits:views', operator: '>', value: 1 };
    for (let i = 0; i < 17; i++) seventeen = { any: [seventeen] };
    const past = await server.call('POST', '/api/v1/registry/interventions/', { name: 'deep', criteria: seventeen });
    expect(past.status).toBe(422);
    expect(past.body.detail).toEqual([{ loc: ['body', 'criteria'], msg: 'all / any / none nest deeper than the limit of 16 levels; flatten the criteria', type: 'value_error' }]);
    const sixteen = (seventeen as { any: unknown[] }).any[0];
    expect((await server.call('POST', '/api/v1/registry/interventions/', { name: 'deep', criteria: sixteen })).status).toBe(200);
  });

  it('any other JSON body nested past the limit is refused as a whole, as 422 or, on serving routes, 400', async () => {
    const body = `{"service":"s","attribute_keys":{"domain_userid":["u"]},"x":${deepArrays(5000)}}`;
    const serving = await injectRaw(server, 'POST', '/api/v1/get-online-attributes', body, { ...AUTH, 'content-type': 'application/json' });
    expect(serving).toMatchObject({ status: 400, body: { error: 'the body nests deeper than the limit of 64 levels of arrays and objects', code: 'SIGNALBOX_ERR_REQUEST_INVALID' } });
    const push = await injectRaw(server, 'POST', `/api/v1/interventions?domain_userid=${user}`, `{"name":"x","attributes":{"a":${deepArrays(64)}}}`, { ...AUTH, 'content-type': 'application/json' });
    expect(push.status).toBe(400);
    const webhook = await injectRaw(server, 'POST', '/api/v1/webhooks', `{"name":"w","url":"http://127.0.0.1:9/","x":${deepObjects(65)}}`, { ...AUTH, 'content-type': 'application/json' });
    expect(webhook.status).toBe(422);
    // 64 levels are read as usual.
    const shallow = await injectRaw(server, 'POST', '/api/v1/get-online-attributes', `{"attributes":["visits_v1:views"],"attribute_keys":{"domain_userid":["u"]},"x":${deepArrays(63)}}`, { ...AUTH, 'content-type': 'application/json' });
    expect(shallow).toMatchObject({ status: 200, body: { domain_userid: ['u'], views: [null] } });
  });
});
