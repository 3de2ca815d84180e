/**
 * Golden request/response tests following the exact HTTP sequences the Signals Python SDK makes
 * (reference §3.6): publish = POST the collection, on 400 PUT the item, in dependency order;
 * unpublish the same with is_published=false; delete in reverse order; and the reads
 * get_attribute_group, get_service_attributes and get_group_attributes — with their error cases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrichedEvent } from '../support/events.js';
import { type TestServer, startTestServer } from '../support/server.js';

let server: TestServer;
const NOW = Date.parse('2026-11-28T12:00:00Z');
beforeEach(async () => {
  server = await startTestServer({}, { clock: () => NOW });
});
afterEach(() => server.destroy());

const key = { name: 'domain_sessionid', key: 'domain_sessionid', description: 'The domain session ID for the session.', is_published: false };
const group = {
  name: 'my_attribute_group',
  version: 1,
  attribute_key: key,
  online: true,
  offline: false,
  owner: 'test@example.com',
  is_published: false,
  attributes: [
    {
      name: 'page_view_count',
      type: 'int32',
      events: [{ vendor: 'com.snowplowanalytics.snowplow', name: 'page_view', version: '1-0-0' }],
      aggregation: 'counter',
      period: 'PT15M',
    },
  ],
};
const service = { name: 'my_service', owner: 'test@example.com', attribute_groups: [{ name: 'my_attribute_group', version: 1 }], is_published: false };
const intervention = {
  name: 'cycle_cart_count',
  version: 1,
  owner: 'peter@example.com',
  description: 'Many page views',
  criteria: { attribute: 'my_attribute_group:page_view_count', operator: '>', value: 3 },
  target_attribute_keys: [{ name: 'domain_sessionid' }],
  is_published: false,
};

type Obj = { collection: string; item: string; body: Record<string, unknown> };
const objects = (): Obj[] => [
  { collection: '/api/v1/registry/attribute_keys/', item: '/api/v1/registry/attribute_keys/domain_sessionid', body: key },
  { collection: '/api/v1/registry/attribute_groups/', item: '/api/v1/registry/attribute_groups/my_attribute_group/versions/1', body: group },
  { collection: '/api/v1/registry/services/', item: '/api/v1/registry/services/my_service', body: service },
  { collection: '/api/v1/registry/interventions/', item: '/api/v1/registry/interventions/cycle_cart_count/versions/1', body: intervention },
];

/** The SDK's create-or-update: POST, and on HTTP 400 (any body) PUT the item. Returns every status seen. */
async function createOrUpdate(o: Obj, isPublished: boolean): Promise<{ statuses: number[]; body: any }> {
  const body = { ...o.body, is_published: isPublished };
  const created = await server.call('POST', o.collection, body);
  if (created.status !== 400) return { statuses: [created.status], body: created.body };
  const updated = await server.call('PUT', o.item, body);
  return { statuses: [400, updated.status], body: updated.body };
}

async function sdkPublish(isPublished = true) {
  const results = [];
  for (const o of objects()) results.push(await createOrUpdate(o, isPublished));
  return results;
}

describe('publish', () => {
  it('creates every object with POST on first publish and returns the stored object', async () => {
    const results = await sdkPublish();
    // domain_sessionid is built in: its POST is "already exists", and the SDK's PUT that follows,
    // reading where the built-in reads, is a no-op answering the built-in.
    expect(results.map((r) => r.statuses)).toEqual([[400, 200], [200], [200], [200]]);
    expect(results[0]!.body).toMatchObject({
      name: 'domain_sessionid', key: 'domain_sessionid', property: { type: 'atomic', name: 'domain_sessionid' }, is_published: true, blobl_path: null,
    });
    expect(results[1]!.body).toMatchObject({
      name: 'my_attribute_group',
      version: 1,
      is_published: true,
      online: true,
      offline: false,
      full_name: 'my_attribute_group_v1',
      feast_name: 'my_attribute_group_v1',
      stream_source_name: 'my_attribute_group_stream',
      attribute_key_or_name: 'domain_sessionid',
      attribute_key: { name: 'domain_sessionid', blobl_path: null },
      attributes: [{ name: 'page_view_count', type: 'int32', aggregation: 'counter', period: 'PT15M', events: group.attributes[0]!.events }],
    });
    expect(results[2]!.body).toEqual({ ...service, is_published: true });
    expect(results[3]!.body).toEqual({ ...intervention, is_published: true });

    const view = await server.call('GET', '/api/v1/engines/stream_attributes');
    expect(view.status).toBe(200);
    expect(view.body.attributes).toHaveLength(1);
    expect(view.body.attributes[0]).toMatchObject({
      attribute_key_name: 'domain_sessionid',
      aggregation: 'counter',
      period: 'PT15M',
      ttl: 15 * 60 + 30,
      source_groups: [{ name: 'my_attribute_group', version: 1, attribute_name: 'page_view_count' }],
    });
    const interventions = await server.call('GET', '/api/v1/engines/interventions');
    expect(interventions.body.interventions.map((i: any) => i.name)).toEqual(['cycle_cart_count']);
  });

  it('re-publishing unchanged objects goes POST 400 → PUT 200 for each', async () => {
    await sdkPublish();
    const again = await sdkPublish();
    expect(again.map((r) => r.statuses)).toEqual([[400, 200], [400, 200], [400, 200], [400, 200]]);
  });

  it('changing a published version is refused with a message asking for a new version', async () => {
    await sdkPublish();
    const changed = { ...group, is_published: true, attributes: [{ ...group.attributes[0]!, period: 'PT30M' }] };
    expect((await server.call('POST', '/api/v1/registry/attribute_groups/', changed)).status).toBe(400);
    const put = await server.call('PUT', '/api/v1/registry/attribute_groups/my_attribute_group/versions/1', changed);
    expect(put.status).toBe(400);
    expect(put.body.detail).toContain('published and immutable');
    expect(put.body.detail).toContain('Create version 2');
    // Metadata may change.
    const relabelled = await server.call('PUT', '/api/v1/registry/attribute_groups/my_attribute_group/versions/1', { ...group, is_published: true, description: 'new words' });
    expect(relabelled.status).toBe(200);
    expect(relabelled.body.description).toBe('new words');
  });

  it('publishing through POST /engines/publish flips is_published', async () => {
    await sdkPublish(false);
    expect((await server.call('GET', '/api/v1/engines/stream_attributes')).body.attributes).toEqual([]);
    const published = await server.call('POST', '/api/v1/engines/publish', { attribute_groups: [{ name: 'my_attribute_group', version: 1 }] });
    expect(published).toMatchObject({ status: 200, body: { status: 'published' } });
    expect((await server.call('POST', '/api/v1/engines/publish', { attribute_groups: [{ name: 'my_attribute_group', version: 1 }] })).body).toEqual({ status: 'nothing to publish' });
    expect((await server.call('GET', '/api/v1/engines/stream_attributes')).body.attributes).toHaveLength(1);
    const missing = await server.call('POST', '/api/v1/engines/publish', { attribute_groups: [{ name: 'nope', version: 1 }] });
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('attribute group "nope" version 1 not found');
  });

  it('an intervention referencing an unpublished attribute cannot be published', async () => {
    await createOrUpdate(objects()[1]!, false);
    const res = await server.call('POST', '/api/v1/registry/interventions/', { ...intervention, is_published: true });
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('no published version of attribute group "my_attribute_group" has attribute "page_view_count"');
  });
});

describe('unpublish and delete', () => {
  it('unpublish = the same sequence with is_published=false; the engine stops computing', async () => {
    await sdkPublish();
    const results = await sdkPublish(false);
    expect(results.map((r) => r.statuses)).toEqual([[400, 200], [400, 200], [400, 200], [400, 200]]);
    expect(results.slice(1).every((r) => r.body.is_published === false)).toBe(true);
    expect(results[0]!.body.is_published).toBe(true); // a built-in key is always published
    expect((await server.call('GET', '/api/v1/engines/stream_attributes')).body.attributes).toEqual([]);
    expect((await server.call('POST', '/api/v1/engines/unpublish', { attribute_groups: [{ name: 'my_attribute_group', version: 1 }] })).body).toEqual({ status: 'nothing to unpublish' });
  });

  it('delete in reverse order answers {"ok": true} for each, then everything is gone', async () => {
    await sdkPublish();
    await sdkPublish(false);
    const deletes = [
      '/api/v1/registry/interventions/cycle_cart_count/versions/1',
      '/api/v1/registry/services/my_service',
      '/api/v1/registry/attribute_groups/my_attribute_group/versions/1',
    ];
    for (const url of deletes) expect(await server.call('DELETE', url)).toMatchObject({ status: 200, body: { ok: true } });
    const builtIn = await server.call('DELETE', '/api/v1/registry/attribute_keys/domain_sessionid');
    expect(builtIn.status).toBe(400);
    expect(builtIn.body.detail).toContain('is built in and cannot be changed or deleted');
    expect((await server.call('GET', '/api/v1/registry/attribute_groups/my_attribute_group')).status).toBe(404);
    expect((await server.call('GET', '/api/v1/registry/services/')).body).toEqual([]);
    expect((await server.call('GET', '/api/v1/registry/interventions/')).body).toEqual([]);
  });

  it('deleting a published version, or one a service uses, is refused with the reason', async () => {
    await sdkPublish();
    const published = await server.call('DELETE', '/api/v1/registry/attribute_groups/my_attribute_group/versions/1');
    expect(published.status).toBe(400);
    expect(published.body.detail).toContain('unpublish it before deleting it');
    await server.call('POST', '/api/v1/engines/unpublish', { interventions: [{ name: 'cycle_cart_count', version: 1 }], attribute_groups: [{ name: 'my_attribute_group', version: 1 }] });
    const used = await server.call('DELETE', '/api/v1/registry/attribute_groups/my_attribute_group/versions/1');
    expect(used.status).toBe(400);
    expect(used.body.detail).toContain('is used by service "my_service"');
  });

  it('unpublishing a group also unpublishes the interventions that need it', async () => {
    await sdkPublish();
    const res = await server.call('POST', '/api/v1/engines/unpublish', { attribute_groups: [{ name: 'my_attribute_group', version: 1 }] });
    expect(res.body).toEqual({ status: 'unpublished' });
    expect((await server.call('GET', '/api/v1/registry/interventions/cycle_cart_count/versions/1')).body.is_published).toBe(false);
    expect((await server.call('GET', '/api/v1/engines/interventions')).body.interventions).toEqual([]);
  });
});

describe('reads', () => {
  const session = '5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b';
  beforeEach(async () => {
    await sdkPublish();
    const events = [1, 2].map((i) => enrichedEvent({ time: NOW - i * 1000, domain_sessionid: session }));
    expect((await server.call('POST', '/api/v1/events', events)).body.processed).toBe(2);
  });

  it('get_attribute_group: latest version by name, or one version', async () => {
    await server.call('POST', '/api/v1/registry/attribute_groups/', { ...group, version: 2 });
    const latest = await server.call('GET', '/api/v1/registry/attribute_groups/my_attribute_group');
    expect(latest).toMatchObject({ status: 200, body: { name: 'my_attribute_group', version: 2 } });
    const v1 = await server.call('GET', '/api/v1/registry/attribute_groups/my_attribute_group/versions/1');
    expect(v1).toMatchObject({ status: 200, body: { version: 1, is_published: true } });
    const missing = await server.call('GET', '/api/v1/registry/attribute_groups/my_attribute_group/versions/9');
    expect(missing).toMatchObject({ status: 404, body: { detail: 'attribute group "my_attribute_group" version 9 not found' } });
    const list = await server.call('GET', '/api/v1/registry/attribute_groups/?applied=true');
    expect(list.body.map((g: any) => [g.name, g.version])).toEqual([['my_attribute_group', 1]]);
    const offline = await server.call('GET', '/api/v1/registry/attribute_groups/?offline=true');
    expect(offline.body).toEqual([]);
    const byKey = await server.call('GET', '/api/v1/registry/attribute_groups/?attribute_key_or_name=domain_sessionid&online=true');
    expect(byKey.body).toHaveLength(2);
  });

  it('get_service_attributes: one identifier, plain names', async () => {
    const res = await server.call('POST', '/api/v1/get-online-attributes', { service: 'my_service', attribute_keys: { domain_sessionid: [session] } });
    expect(res).toEqual({ status: 200, body: { domain_sessionid: [session], page_view_count: [2] }, text: expect.any(String) });
    const legacy = await server.call('POST', '/api/v1/get-online-attributes', { service: 'my_service', entities: { domain_sessionid: [session] } });
    expect(legacy.body).toEqual({ domain_sessionid: [session], page_view_count: [2] });
    const unknown = await server.call('POST', '/api/v1/get-online-attributes', { service: 'nope', attribute_keys: { domain_sessionid: [session] } });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'service "nope" not found' } });
  });

  it('get_group_attributes: qualified names, full names on request', async () => {
    const res = await server.call('POST', '/api/v1/get-online-attributes', {
      attributes: ['my_attribute_group_v1:page_view_count'],
      attribute_keys: { domain_sessionid: [session, 'unknown-session'] },
      full_attribute_names: true,
    });
    expect(res.body).toEqual({ domain_sessionid: [session, 'unknown-session'], 'my_attribute_group_v1:page_view_count': [2, null] });
    const badAttribute = await server.call('POST', '/api/v1/get-online-attributes', {
      attributes: ['my_attribute_group_v1:nope'],
      attribute_keys: { domain_sessionid: [session] },
    });
    expect(badAttribute).toMatchObject({ status: 404, body: { error: 'attribute group "my_attribute_group" version 1 has no attribute "nope"' } });
    const unqualified = await server.call('POST', '/api/v1/get-online-attributes', { attributes: ['page_view_count'], attribute_keys: { domain_sessionid: [session] } });
    expect(unqualified).toMatchObject({ status: 400, body: { error: 'body.attributes.0: must be a qualified name such as my_group_v1:my_attribute' } });
    const wrongKey = await server.call('POST', '/api/v1/get-online-attributes', { attributes: ['my_attribute_group_v1:page_view_count'], attribute_keys: { domain_userid: ['x'] } });
    expect(wrongKey).toMatchObject({ status: 400, body: { error: expect.stringContaining('is keyed by "domain_sessionid"') } });
  });

  it('DELETE /api/v1/{attribute_key}/{identifier} removes the identifier\'s values', async () => {
    const deleted = await server.call('DELETE', `/api/v1/domain_sessionid/${session}`);
    expect(deleted.body).toEqual({ keys_found: true, message: `deleted all attributes of domain_sessionid "${session}"` });
    const again = await server.call('DELETE', `/api/v1/domain_sessionid/${session}`);
    expect(again.body.keys_found).toBe(false);
    const res = await server.call('POST', '/api/v1/get-online-attributes', { service: 'my_service', attribute_keys: { domain_sessionid: [session] } });
    expect(res.body.page_view_count).toEqual([null]);
  });
});
