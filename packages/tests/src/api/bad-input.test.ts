/**
 * Bad input gets a clear 4xx naming the problem and loses nothing else: definition constraints,
 * malformed TSV lines and JSON elements (the rest of the batch still counts), oversized bodies,
 * unknown services and attributes, missing or wrong keys — and the server keeps serving.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrichedEvent, enrichedTsv } from '../support/events.js';
import { type TestServer, startTestServer } from '../support/server.js';

let server: TestServer;
const NOW = Date.parse('2026-11-28T12:00:00Z');
beforeEach(async () => {
  server = await startTestServer({}, { clock: () => NOW });
});
afterEach(() => server.destroy());

const counter = { name: 'views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] };
const group = (over: Record<string, unknown> = {}, attribute: Record<string, unknown> = {}) => ({
  name: 'g', version: 1, attribute_key: { name: 'domain_userid' }, attributes: [{ ...counter, ...attribute }], ...over,
});
const atomic = (name: string) => ({ type: 'atomic', name });

describe('definition constraints answer 422 with FastAPI-style details', () => {
  const cases: Array<[string, string, unknown, { loc: unknown[]; msg?: unknown; type?: string }]> = [
    ['group name pattern', 'attribute_groups', group({ name: 'bad-name' }), { loc: ['body', 'name'], type: 'string_pattern_mismatch' }],
    ['group name length', 'attribute_groups', group({ name: 'x'.repeat(129) }), { loc: ['body', 'name'], type: 'string_too_long' }],
    ['version below 1', 'attribute_groups', group({ version: 0 }), { loc: ['body', 'version'], type: 'greater_than_equal' }],
    ['missing attribute key', 'attribute_groups', { name: 'g', attributes: [counter] }, { loc: ['body', 'attribute_key'], msg: 'Field required', type: 'missing' }],
    ['value aggregation without property', 'attribute_groups', group({}, { aggregation: 'sum', type: 'double' }), { loc: ['body', 'attributes', 0, 'property'], msg: 'aggregation requires a property to be set' }],
    ['unknown aggregation', 'attribute_groups', group({}, { aggregation: 'median' }), { loc: ['body', 'attributes', 0, 'aggregation'], type: 'enum' }],
    ['unknown type', 'attribute_groups', group({}, { type: 'decimal' }), { loc: ['body', 'attributes', 0, 'type'], type: 'enum' }],
    ['period not a duration', 'attribute_groups', group({}, { period: '10 minutes' }), { loc: ['body', 'attributes', 0, 'period'], msg: 'must be a positive ISO-8601 duration such as PT10M, PT1H or P7D (years and months are not accepted)' }],
    ['unique_list needs a list type', 'attribute_groups', group({}, { aggregation: 'unique_list', type: 'string', property: atomic('page_url') }), { loc: ['body', 'attributes', 0, 'type'], msg: 'unique_list needs a *_list type such as string_list' }],
    ['sum needs a numeric type', 'attribute_groups', group({}, { aggregation: 'sum', type: 'string', property: atomic('se_value') }), { loc: ['body', 'attributes', 0, 'type'], msg: 'sum needs a numeric type (int32, int64, float, double)' }],
    ['event version format', 'attribute_groups', group({}, { events: [{ name: 'page_view', version: '1.0.0' }] }), { loc: ['body', 'attributes', 0, 'events', 0, 'version'], msg: 'must be a SchemaVer such as 1-0-0' }],
    ['unknown atomic column', 'attribute_groups', group({}, { aggregation: 'last', type: 'string', property: atomic('page_colour') }), { loc: ['body', 'attributes', 0, 'property', 'name'], msg: 'must be an atomic column of the enriched event' }],
    ['wildcard path', 'attribute_groups', group({}, { aggregation: 'last', type: 'string', property: { type: 'event', vendor: 'v', name: 'n', major_version: 1, path: '$.items[*].id' } }), { loc: ['body', 'attributes', 0, 'property', 'path'], type: 'string_pattern_mismatch' }],
    ['negative entity index', 'attribute_groups', group({}, { aggregation: 'last', type: 'string', property: { type: 'entity', vendor: 'v', name: 'n', major_version: 1, path: 'id', index: -1 } }), { loc: ['body', 'attributes', 0, 'property', 'index'], type: 'greater_than_equal' }],
    ['in needs a list', 'attribute_groups', group({}, { criteria: { all: [{ property: atomic('page_urlpath'), operator: 'in', value: '/a' }] } }), { loc: ['body', 'attributes', 0, 'criteria', 'all', 0, 'value'], msg: 'operator "in" requires a list value' }],
    ['empty criteria list', 'attribute_groups', group({}, { criteria: { all: [] } }), { loc: ['body', 'attributes', 0, 'criteria', 'all'], type: 'too_short' }],
    ['stream group without attributes', 'attribute_groups', group({ attributes: undefined }), { loc: ['body', 'attributes'], msg: 'a stream attribute group needs at least one attribute' }],
    ['duplicate attribute names', 'attribute_groups', group({ attributes: [counter, counter] }), { loc: ['body', 'attributes', 1, 'name'], msg: 'duplicate name "views" in the group' }],
    ['service without groups', 'services', { name: 's', attribute_groups: [] }, { loc: ['body', 'attribute_groups'], type: 'too_short' }],
    ['unversioned intervention attribute', 'interventions', { name: 'i', criteria: { attribute: 'views', operator: '>', value: 1 } }, { loc: ['body', 'criteria', 'attribute'], msg: 'must be "group_name:attribute_name" (no version)' }],
    ['intervention operator', 'interventions', { name: 'i', criteria: { all: [{ attribute: 'g:views', operator: '~', value: 1 }] } }, { loc: ['body', 'criteria', 'all', 0, 'operator'], type: 'enum', msg: expect.stringContaining('"not rlike"') }],
    ['key property', 'attribute_keys', { name: 'k', property: { type: 'atomic' } }, { loc: ['body', 'property', 'name'] }],
  ];
  it.each(cases)('%s', async (_label, collection, body, expected) => {
    const res = await server.call('POST', `/api/v1/registry/${collection}/`, body);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('SIGNALBOX_ERR_REQUEST_INVALID');
    expect(res.body.detail).toEqual(expect.arrayContaining([expect.objectContaining(expected)]));
  });

  it('a group on an unknown attribute key is a 400 naming the key', async () => {
    const res = await server.call('POST', '/api/v1/registry/attribute_groups/', group({ attribute_key: { name: 'shopper' } }));
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('attribute key "shopper" does not exist; create it first (built-in keys: domain_userid, domain_sessionid, network_userid, user_id)');
  });

  it('a service pinning a missing group version is a 400 naming it', async () => {
    const res = await server.call('POST', '/api/v1/registry/services/', { name: 's', attribute_groups: [{ name: 'g', version: 3 }] });
    expect(res).toMatchObject({ status: 400, body: { detail: 'service "s" pins attribute group "g" version 3, which does not exist' } });
  });

  it('a body that is not JSON is a 400', async () => {
    const res = await server.call('POST', '/api/v1/registry/attribute_groups/', '{"name": ', { contentType: 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('SIGNALBOX_ERR_REQUEST_BAD');
  });
});

describe('events', () => {
  const user = 'a9b8c7d6-0000-4000-8000-000000000001';
  beforeEach(async () => {
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', group({ is_published: true }))).status).toBe(200);
  });
  const views = async () =>
    (await server.call('POST', '/api/v1/get-online-attributes', { attributes: ['g_v1:views'], attribute_keys: { domain_userid: [user] } })).body.views[0];

  it('malformed TSV lines are reported by line number and reason; the rest are processed and bad rows kept', async () => {
    const good = () => enrichedTsv({ time: NOW - 1000, domain_userid: user });
    const tooShort = 'a\tb\tc';
    const badTime = good().split('\t').map((f, i) => (i === 3 ? '28/11/2026' : f)).join('\t');
    const body = [good(), tooShort, good(), badTime, '', good()].join('\n');
    const res = await server.call('POST', '/api/v1/events', body, { contentType: 'text/tab-separated-values' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 3, processed: 3, rejected: 2 });
    expect(res.body.errors).toEqual([
      { line: 2, reason: expect.stringContaining('expected 131 tab-separated fields, got 3') },
      { line: 4, reason: expect.stringContaining('collector_tstamp') },
    ]);
    expect(await views()).toBe(3);
    const badRows = await server.call('GET', '/api/v1/bad-rows');
    expect(badRows.body.total).toBe(2);
    expect(badRows.body.bad_rows.map((r: any) => [r.source, r.position, r.payload])).toEqual([
      ['api/events', 4, badTime],
      ['api/events', 2, tooShort],
    ]);
  });

  it('JSON elements that are not events are reported by index; the others count', async () => {
    const res = await server.call('POST', '/api/v1/events', [{ hello: 'world' }, 42, enrichedEvent({ time: NOW, domain_userid: user })]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 2 });
    expect(res.body.errors.map((e: any) => e.index)).toEqual([0, 1]);
    expect(res.body.errors[1].reason).toMatch(/object/);
    expect(await views()).toBe(1);
  });

  it('a batch with no valid event is a 400 that says why', async () => {
    const res = await server.call('POST', '/api/v1/events', 'not\tan\tevent', { contentType: 'text/tab-separated-values' });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('no valid event in the request (1 rejected; line 1: ');
  });

  it('the same event sent twice is counted once', async () => {
    const event = enrichedEvent({ time: NOW, domain_userid: user });
    expect((await server.call('POST', '/api/v1/events', [event])).body.processed).toBe(1);
    expect((await server.call('POST', '/api/v1/events', [event, event])).body).toMatchObject({ processed: 0, duplicates: 2 });
    expect(await views()).toBe(1);
  });

  it('oversized bodies are a 413, and the server keeps serving', async () => {
    const huge = 'x'.repeat(17 * 1024 * 1024);
    const res = await server.call('POST', '/api/v1/events', huge, { contentType: 'text/tab-separated-values' });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'request body is larger than the configured limit', code: 'SIGNALBOX_ERR_REQUEST_TOO_LARGE' });
    const registry = await server.call('POST', '/api/v1/registry/services/', { name: 's', description: 'y'.repeat(2 * 1024 * 1024), attribute_groups: [{ name: 'g' }] });
    expect(registry.status).toBe(413);
    expect((await server.call('POST', '/api/v1/events', [enrichedEvent({ time: NOW, domain_userid: user })])).status).toBe(200);
    expect(await views()).toBe(1);
  });

  it('an unsupported content type is a 415', async () => {
    const res = await server.call('POST', '/api/v1/events', '<xml/>', { contentType: 'application/xml' });
    expect(res.status).toBe(415);
  });
});

describe('auth', () => {
  it('a missing key is a 401 that says how to send one', async () => {
    const res = await server.call('GET', '/api/v1/registry/attribute_groups/', undefined, { auth: false });
    expect(res).toMatchObject({ status: 401, body: { detail: 'missing API key: send "Authorization: Bearer <key>"', code: 'SIGNALBOX_ERR_AUTH_MISSING_KEY' } });
  });
  it('a wrong key is a 401', async () => {
    const res = await server.call('POST', '/api/v1/get-online-attributes', { service: 's', attribute_keys: { domain_userid: ['x'] } }, { auth: 'nope' });
    expect(res).toMatchObject({ status: 401, body: { error: 'wrong API key', code: 'SIGNALBOX_ERR_AUTH_WRONG_KEY' } });
  });
  it('health, metrics and the OpenAPI document need no key', async () => {
    expect((await server.call('GET', '/health-all', undefined, { auth: false })).body).toMatchObject({
      status: 'ok',
      dependencies: { storage: 'ok', feature_server: 'ok', event_log: 'ok' },
    });
    const metrics = (await server.call('GET', '/metrics', undefined, { auth: false })).text;
    expect(metrics).toContain('signalbox_events_processed_total');
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
    const openapi = await server.call('GET', '/openapi.json', undefined, { auth: false });
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/v1/get-online-attributes', '/api/v1/registry/attribute_groups/{name}/versions/{version}']));
    expect((await server.call('GET', '/docs', undefined, { auth: false })).status).toBeLessThan(400);
  });
});

describe('events that are not even JSON', () => {
  it('are a 400 and kept as a bad row', async () => {
    const res = await server.call('POST', '/api/v1/events', '[{"event_id": ', { contentType: 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('the body is not JSON');
    const badRows = await server.call('GET', '/api/v1/bad-rows');
    expect(badRows.body.bad_rows[0]).toMatchObject({ source: 'api/events', payload: '[{"event_id": ' });
  });
});
