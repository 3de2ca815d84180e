/**
 * What a new user meets first (issue 7, item 16): `GET /` leads to the API docs, the docs page is
 * Signalbox's (not "fastify" or "Swagger UI"), and an Authorization header that is not
 * `Bearer <key>` gets a 401 that says so instead of "wrong API key" — without echoing the key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_API_KEY, type TestServer, startTestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.destroy());

const get = (url: string, headers: Record<string, string> = {}) => server.app.inject({ method: 'GET', url, headers });

describe('the front door', () => {
  it('GET / redirects to the docs', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(302);
    expect(res.headers['location']).toBe('/docs');
    expect((await get(String(res.headers['location']))).statusCode).toBe(200);
  });

  it('the docs page is titled "Signalbox API" and shows its name, not Fastify\'s logo', async () => {
    const page = await get('/docs');
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<title>Signalbox API</title>');
    const initializer = (await get('/docs/static/swagger-initializer.js')).body;
    const logo = /data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(initializer);
    expect(logo).not.toBeNull();
    const svg = Buffer.from(logo![1]!, 'base64').toString('utf8');
    expect(svg).toContain('Signalbox API');
    expect(svg).not.toContain('Illustrator');
  });

  it('the docs page reads the same document as /openapi.json', async () => {
    const viaDocs = JSON.parse((await get('/docs/json')).body);
    const direct = JSON.parse((await get('/openapi.json')).body);
    expect(viaDocs.info.title).toBe('Signalbox API');
    expect(Object.keys(viaDocs.paths)).toEqual(Object.keys(direct.paths));
  });
});

describe('an Authorization header that is not "Bearer <key>"', () => {
  const registry = '/api/v1/registry/attribute_groups/';
  const cases: Array<[string, string, string]> = [
    ['the key alone', 'sbx_abc123', 'the Authorization header must be "Bearer <key>": the key was sent without "Bearer " in front of it'],
    ['another scheme', 'Token sbx_abc123', 'the Authorization header must be "Bearer <key>": it uses another scheme than Bearer'],
    ['Basic credentials', 'Basic c2J4X2FiYzEyMzo=', 'the Authorization header must be "Bearer <key>": it uses another scheme than Bearer'],
    ['Bearer without a key', 'Bearer', 'the Authorization header must be "Bearer <key>": no key follows "Bearer"'],
  ];

  it.each(cases)('%s: a 401 that says what is wrong', async (_label, header, message) => {
    const res = await get(registry, { authorization: header });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(res.body)).toEqual({ detail: message, code: 'SIGNALBOX_ERR_AUTH_MALFORMED_HEADER' });
    expect(res.body).not.toContain('sbx_abc123');
  });

  it('the test key sent without "Bearer " is not taken for a wrong key', async () => {
    const res = await get(registry, { authorization: TEST_API_KEY });
    expect(JSON.parse(res.body).code).toBe('SIGNALBOX_ERR_AUTH_MALFORMED_HEADER');
    expect(res.body).not.toContain(TEST_API_KEY);
  });

  it('serving routes answer the same in their own shape', async () => {
    const res = await server.app.inject({
      method: 'POST', url: '/api/v1/get-online-attributes', headers: { authorization: `Token ${TEST_API_KEY}` },
      payload: { service: 'website', attribute_keys: { domain_userid: ['x'] } },
    });
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body)).toEqual({
      error: 'the Authorization header must be "Bearer <key>": it uses another scheme than Bearer', code: 'SIGNALBOX_ERR_AUTH_MALFORMED_HEADER',
    });
  });

  it('the intervention stream, public for UUIDs, checks a header that is sent the same way', async () => {
    const res = await get('/api/v1/interventions?user_id=alice', { authorization: TEST_API_KEY });
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body).code).toBe('SIGNALBOX_ERR_AUTH_MALFORMED_HEADER');
  });

  it('a wrong key is still "wrong API key", a missing one "missing API key", and the right one works in any case of "bearer"', async () => {
    expect(JSON.parse((await get(registry, { authorization: 'Bearer sbx_nope' })).body)).toEqual({ detail: 'wrong API key', code: 'SIGNALBOX_ERR_AUTH_WRONG_KEY' });
    expect(JSON.parse((await get(registry)).body).code).toBe('SIGNALBOX_ERR_AUTH_MISSING_KEY');
    expect((await get(registry, { authorization: `bearer ${TEST_API_KEY}` })).statusCode).toBe(200);
    expect((await get(registry, { authorization: `Bearer   ${TEST_API_KEY}  ` })).statusCode).toBe(200);
  });
});
