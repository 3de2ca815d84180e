/**
 * An empty body with `Content-Type: application/json` is no body (issue 7, item 6): the Signals
 * Python SDK's `delete` sends exactly that, and so does curl with the README's header array
 * (`H=(-H "Authorization: Bearer $KEY" -H 'Content-Type: application/json')`) and `-X DELETE`.
 * Routes without a body do their work; routes that need one answer the usual validation error
 * naming `body`. Fastify's protections stay: prototype poisoning is refused, the limit holds.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrichedEvent } from '../support/events.js';
import { TEST_API_KEY, type TestServer, startTestServer } from '../support/server.js';

let server: TestServer;
const NOW = Date.parse('2026-05-04T10:15:00Z');
const USER = 'd2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c';
const JSON_HEADERS = { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' };

beforeEach(async () => {
  server = await startTestServer({}, { clock: () => NOW });
});
afterEach(() => server.destroy());

/** What the SDK sends: the JSON content type and nothing after the headers. */
async function emptyJson(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string) {
  const res = await server.app.inject({ method, url, headers: JSON_HEADERS, payload: '' });
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, any> };
}

const group = (name: string, published = false) => ({
  name, version: 1, attribute_key: { name: 'domain_userid' }, is_published: published,
  attributes: [{ name: 'views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] }],
});
const missingBody = { detail: [{ loc: ['body'], msg: 'Field required', type: 'missing' }], code: 'SIGNALBOX_ERR_REQUEST_INVALID' };
const missingServingBody = { error: 'body: Field required', code: 'SIGNALBOX_ERR_REQUEST_INVALID' };

describe('registry', () => {
  it('DELETE of a group version, as the Python SDK sends it, deletes it', async () => {
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', group('shopper'))).status).toBe(200);
    expect(await emptyJson('DELETE', '/api/v1/registry/attribute_groups/shopper/versions/1')).toEqual({ status: 200, body: { ok: true } });
    expect((await server.call('GET', '/api/v1/registry/attribute_groups/shopper/versions/1')).status).toBe(404);
  });

  it('DELETE of a key, a service and an intervention, and GETs, ignore the empty body', async () => {
    await server.call('POST', '/api/v1/registry/attribute_keys/', { name: 'product_sku', property: { type: 'atomic', name: 'se_label' } });
    await server.call('POST', '/api/v1/registry/attribute_groups/', group('shopper', true));
    await server.call('POST', '/api/v1/registry/services/', { name: 'website', attribute_groups: [{ name: 'shopper', version: 1 }] });
    await server.call('POST', '/api/v1/registry/interventions/', { name: 'big', criteria: { attribute: 'shopper:views', operator: '>', value: 3 } });
    const list = await emptyJson('GET', '/api/v1/registry/services/');
    expect(list.status).toBe(200);
    expect(list.body.map((s: { name: string }) => s.name)).toEqual(['website']);
    expect((await emptyJson('GET', '/api/v1/registry/attribute_groups/shopper')).body.full_name).toBe('shopper_v1');
    for (const url of ['interventions/big/versions/1', 'services/website', 'attribute_keys/product_sku']) {
      expect(await emptyJson('DELETE', `/api/v1/registry/${url}`), url).toEqual({ status: 200, body: { ok: true } });
    }
    expect((await server.call('GET', '/api/v1/registry/services/')).body).toEqual([]);
  });

  it('POST and PUT that need a body answer 422 naming the body', async () => {
    expect(await emptyJson('POST', '/api/v1/registry/attribute_groups/')).toEqual({ status: 422, body: missingBody });
    expect(await emptyJson('PUT', '/api/v1/registry/services/website')).toEqual({ status: 422, body: missingBody });
  });
});

describe('engines', () => {
  it('GET ignores the empty body; publish needs a body', async () => {
    expect(await emptyJson('GET', '/api/v1/engines/interventions')).toMatchObject({ status: 200, body: { interventions: [] } });
    expect(await emptyJson('POST', '/api/v1/engines/publish')).toEqual({ status: 422, body: missingBody });
  });
});

describe('serving and deletion', () => {
  it('DELETE /api/v1/{attribute_key}/{identifier} forgets the identifier', async () => {
    await server.call('POST', '/api/v1/registry/attribute_groups/', group('shopper', true));
    await server.call('POST', '/api/v1/events', [enrichedEvent({ time: NOW - 1000, domain_userid: USER })]);
    const read = () => server.call('POST', '/api/v1/get-online-attributes', { attributes: ['shopper_v1:views'], attribute_keys: { domain_userid: [USER] } });
    expect((await read()).body.views).toEqual([1]);
    expect(await emptyJson('DELETE', `/api/v1/domain_userid/${USER}`)).toEqual({
      status: 200, body: { keys_found: true, message: `deleted all attributes of domain_userid "${USER}"` },
    });
    expect((await read()).body.views).toEqual([null]);
  });

  it('get-online-attributes without a body is a 400 in the serving shape', async () => {
    expect(await emptyJson('POST', '/api/v1/get-online-attributes')).toEqual({ status: 400, body: missingServingBody });
  });
});

describe('events and webhooks', () => {
  it('POST /api/v1/events with an empty body says the body is missing and keeps no bad row', async () => {
    expect(await emptyJson('POST', '/api/v1/events')).toEqual({ status: 400, body: missingServingBody });
    const tsv = await server.app.inject({ method: 'POST', url: '/api/v1/events', headers: { ...JSON_HEADERS, 'content-type': 'text/tab-separated-values' }, payload: '' });
    expect(tsv.statusCode).toBe(400);
    expect((await server.call('GET', '/api/v1/bad-rows')).body.total).toBe(0);
  });

  it('DELETE of a webhook and of the dead letters ignore the empty body', async () => {
    expect((await server.call('POST', '/api/v1/webhooks', { name: 'crm', url: 'https://crm.example.com/hook' })).status).toBe(200);
    expect(await emptyJson('DELETE', '/api/v1/webhooks/crm')).toEqual({ status: 200, body: { ok: true } });
    expect(await emptyJson('DELETE', '/api/v1/webhooks/dead-letters')).toEqual({ status: 200, body: { ok: true, removed: 0 } });
  });
});

describe("Fastify's protections stay", () => {
  it('refuses __proto__ and constructor.prototype keys, leaving Object.prototype alone', async () => {
    for (const payload of ['{"name": "k", "__proto__": {"polluted": true}}', '{"name": "k", "constructor": {"prototype": {"polluted": true}}}']) {
      const res = await server.app.inject({ method: 'POST', url: '/api/v1/registry/attribute_keys/', headers: JSON_HEADERS, payload });
      expect(res.statusCode, payload).toBe(400);
      expect(JSON.parse(res.body).code).toBe('SIGNALBOX_ERR_REQUEST_BAD');
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((await server.call('GET', '/api/v1/registry/attribute_keys/k')).status).toBe(404);
  });

  it('still refuses broken JSON and bodies over the limit', async () => {
    const broken = await server.app.inject({ method: 'POST', url: '/api/v1/registry/services/', headers: JSON_HEADERS, payload: '{"name": ' });
    expect(JSON.parse(broken.body)).toEqual({ detail: 'the body is not JSON: Unexpected end of JSON input', code: 'SIGNALBOX_ERR_REQUEST_BAD' });
    const big = JSON.stringify({ name: 'website', description: 'x'.repeat(1024 * 1024), attribute_groups: [{ name: 'shopper' }] });
    const tooLarge = await server.app.inject({ method: 'POST', url: '/api/v1/registry/services/', headers: JSON_HEADERS, payload: big });
    expect(tooLarge.statusCode).toBe(413);
    expect(JSON.parse(tooLarge.body).code).toBe('SIGNALBOX_ERR_REQUEST_TOO_LARGE');
  });
});

describe('over a real socket', () => {
  /** A request as curl sends `curl -X DELETE "${H[@]}" URL`: no body, no Content-Length (or Content-Length: 0). */
  function rawDelete(url: string, extra: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: 'DELETE', headers: { ...JSON_HEADERS, accept: '*/*', 'user-agent': 'curl/8.14.1', ...extra } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it("the README's curl header array works with -X DELETE", async () => {
    const live = await startTestServer({}, { listen: true });
    try {
      await live.call('POST', '/api/v1/registry/attribute_groups/', group('shopper'));
      await live.call('POST', '/api/v1/registry/attribute_groups/', group('visitor'));
      expect(await rawDelete(`${live.url}/api/v1/registry/attribute_groups/shopper/versions/1`, {})).toEqual({ status: 200, body: '{"ok":true}' });
      expect(await rawDelete(`${live.url}/api/v1/registry/attribute_groups/visitor/versions/1`, { 'content-length': '0' })).toEqual({ status: 200, body: '{"ok":true}' });
      expect((await live.call('GET', '/api/v1/registry/attribute_groups/')).body).toEqual([]);
    } finally {
      await live.destroy();
    }
  });
});
