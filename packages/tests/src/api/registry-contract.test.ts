/**
 * What the registry accepts and refuses (docs/definitions.md; issue 7 items 7, 8, 9, 16, 19):
 * a body GET returned is accepted back by PUT; a refused change to a published version names
 * each field; unknown fields are a 422 suggesting the field meant, while the SDKs' own extra
 * fields pass and Signals fields Signalbox does not implement say so; a key carried in a group
 * agrees with the key it resolves to; a service never serves an unpublished group version;
 * built-in keys are listed and read-only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrichedEvent } from '../support/events.js';
import { type TestServer, startTestServer } from '../support/server.js';

let server: TestServer;
const NOW = Date.parse('2026-11-28T12:00:00Z');
const USER = '4c1f7a52-9f0e-4d3b-8a6c-2b1e0d9c8a7f';
const R = '/api/v1/registry';
beforeEach(async () => {
  server = await startTestServer({}, { clock: () => NOW });
});
afterEach(() => server.destroy());

const shopperKey = { name: 'shopper_id', owner: 'data@example.com', property: { type: 'atomic', name: 'user_id' } };
const attributes = [
  { name: 'views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] },
  { name: 'last_page', type: 'string', aggregation: 'last', events: [{ name: 'page_view' }], property: { type: 'atomic', name: 'page_urlpath' } },
  { name: 'pings', type: 'int32', aggregation: 'counter', events: [{ name: 'page_ping' }], period: 'PT10M' },
];
const group = (over: Record<string, unknown> = {}) => ({
  name: 'shopper', version: 1, attribute_key: { name: 'shopper_id' }, owner: 'a@example.com', attributes, ...over,
});
const service = { name: 'website', owner: 'a@example.com', attribute_groups: [{ name: 'shopper', version: 1 }] };
const intervention = { name: 'keen', owner: 'a@example.com', criteria: { all: [{ attribute: 'shopper:views', operator: '>=', value: 3 }] } };

const post = (collection: string, body: unknown) => server.call('POST', `${R}/${collection}/`, body);
const ok = async (res: Promise<{ status: number; text: string; body: any }>) => {
  const r = await res;
  expect(r.status, r.text).toBe(200);
  return r.body;
};

describe('GET → change owner → PUT back (item 7)', () => {
  const items = {
    'attribute key': `${R}/attribute_keys/shopper_id`,
    'attribute group': `${R}/attribute_groups/shopper/versions/1`,
    service: `${R}/services/website`,
    intervention: `${R}/interventions/keen/versions/1`,
  };

  async function define(published: boolean) {
    await ok(post('attribute_keys', shopperKey));
    await ok(post('attribute_groups', group({ is_published: published })));
    await ok(post('services', { ...service, is_published: published }));
    await ok(post('interventions', { ...intervention, is_published: published }));
  }

  for (const published of [false, true]) {
    it(`accepts the exact body GET returned, with a new owner, for ${published ? 'published' : 'unpublished'} objects`, async () => {
      await define(published);
      for (const [what, url] of Object.entries(items)) {
        const got = await ok(server.call('GET', url));
        const put = await server.call('PUT', url, { ...got, owner: 'new-owner@example.com' });
        expect(put.status, `${what}: ${put.text}`).toBe(200);
        const after = await ok(server.call('GET', url));
        expect(after).toEqual({ ...got, owner: 'new-owner@example.com' });
      }
    });
  }

  it('accepts back a group that was posted with the full key object, as SDKs ≥0.4.2 send it', async () => {
    await ok(post('attribute_keys', shopperKey));
    await ok(post('attribute_groups', group({ attribute_key: { ...shopperKey, is_published: false }, is_published: true })));
    const got = await ok(server.call('GET', items['attribute group']));
    expect((await server.call('PUT', items['attribute group'], { ...got, owner: 'b@example.com' })).status).toBe(200);
    expect((await server.call('PUT', items['attribute group'], group({ is_published: true, description: 'linked again' }))).status).toBe(200);
  });

  it('lets a published version change the descriptions of its attributes, as its own', async () => {
    await define(true);
    const got = await ok(server.call('GET', items['attribute group']));
    const relabelled = structuredClone(got);
    relabelled.attributes[0].description = 'page views, ever';
    relabelled.description = 'what a shopper did';
    await ok(server.call('PUT', items['attribute group'], relabelled));
    expect(await ok(server.call('GET', items['attribute group']))).toEqual(relabelled);
  });

  it('refuses a real change to a published version, naming each changed field', async () => {
    await define(true);
    const got = await ok(server.call('GET', items['attribute group']));
    const changed = structuredClone(got);
    changed.attributes[2].aggregation = 'sum';
    changed.attributes[2].property = { type: 'atomic', name: 'pp_yoffset_max' };
    changed.ttl = 'P1D';
    const res = await server.call('PUT', items['attribute group'], changed);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('SIGNALBOX_ERR_REGISTRY_IMMUTABLE');
    expect(res.body.detail).toBe(
      'attribute group "shopper" version 1 is published and immutable; this would change fields attributes[2].aggregation, attributes[2].property, ttl (only description, owner and is_published can change). Create version 2 for this change',
    );
    expect((await ok(server.call('GET', items['attribute group']))).attributes[2].aggregation).toBe('counter');

    const rule = await ok(server.call('GET', items.intervention));
    const refused = await server.call('PUT', items.intervention, { ...rule, criteria: { all: [{ attribute: 'shopper:views', operator: '>=', value: 5 }] } });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain('this would change field criteria.all[0].value');
  });
});

describe('unknown fields and operators (item 8)', () => {
  beforeEach(async () => {
    await ok(post('attribute_keys', shopperKey));
  });

  it('a misspelt attribute field is a 422 at its path suggesting the field meant', async () => {
    const res = await post('attribute_groups', group({ attributes: [{ ...attributes[0], perod: 'PT10M' }] }));
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      expect.objectContaining({
        loc: ['body', 'attributes', 0, 'perod'],
        type: 'extra_forbidden',
        msg: expect.stringMatching(/^unknown field "perod"; did you mean "period"\?/),
      }),
    ]);
    expect((await server.call('GET', `${R}/attribute_groups/shopper`)).status).toBe(404);
  });

  it('unknown fields are reported in keys, event selectors, properties, services and interventions', async () => {
    const cases: Array<[string, unknown, unknown[]]> = [
      ['attribute_keys', { name: 'k', propety: { type: 'atomic', name: 'user_id' } }, ['body', 'propety']],
      ['attribute_groups', group({ attributes: [{ ...attributes[0], events: [{ nme: 'page_view' }] }] }), ['body', 'attributes', 0, 'events', 0, 'nme']],
      ['attribute_groups', group({ attributes: [{ ...attributes[1], property: { type: 'atomic', name: 'page_url', idx: 1 } }] }), ['body', 'attributes', 0, 'property', 'idx']],
      ['services', { ...service, atribute_groups: [] }, ['body', 'atribute_groups']],
      ['interventions', { ...intervention, target_keys: [{ name: 'shopper_id' }] }, ['body', 'target_keys']],
    ];
    for (const [collection, body, loc] of cases) {
      const res = await post(collection, body);
      expect(res.status, collection).toBe(422);
      expect(res.body.detail).toEqual(expect.arrayContaining([expect.objectContaining({ loc, type: 'extra_forbidden' })]));
    }
  });

  it('accepts the extra fields Signals clients send, and ignores them', async () => {
    const withExtras = group({
      id: 'a1b2', created_at: '2025-09-01T00:00:00Z', updated_at: '2025-09-02T00:00:00Z', tags: { team: 'growth' },
      attribute_key: { ...shopperKey, is_published: false, blobl_path: null },
      online: true, offline: false, is_published: false,
      full_name: 'shopper_v1', feast_name: 'shopper_v1', stream_source_name: 'shopper_stream',
      attribute_key_or_name: 'user_id', attribute_group_or_attribute_key_ttl: null, attribute_group_or_attribute_key_ttl_seconds: null,
    });
    const created = await ok(post('attribute_groups', withExtras));
    expect(created).not.toHaveProperty('tags');
    expect(created).not.toHaveProperty('id');
    await ok(post('services', { ...service, tags: ['web'], created_at: '2025-09-01T00:00:00Z' }));
    const external = {
      name: 'crm', version: 1, attribute_key: { name: 'shopper_id' }, offline: true, fields: [{ name: 'tier', type: 'string' }],
      batch_source: { name: 'crm', database: 'analytics', schema: 'derived', table: 'crm', timestamp_field: 'updated_at', created_timestamp_column: 'created_at', date_partition_column: 'day' },
    };
    const stored = await ok(post('attribute_groups', external));
    expect(stored.batch_source).toEqual({ name: 'crm', database: 'analytics', schema: 'derived', table: 'crm', timestamp_field: 'updated_at' });
  });

  it('a Signals field Signalbox does not implement is a 422 saying so, never silently ignored', async () => {
    const cases: Array<[string, unknown, unknown[], string]> = [
      ['attribute_groups', group({ attributes: [{ ...attributes[0], ttl: 'P1D' }] }), ['body', 'attributes', 0, 'ttl'], "lives as long as its group's ttl"],
      ['attribute_groups', group({ refresh_rate: 'PT1H' }), ['body', 'refresh_rate'], 'no per-group sync schedule'],
      ['attribute_groups', group({ attributes: [{ ...attributes[0], events: [{ event_specification_id: 'a1' }] }] }), ['body', 'attributes', 0, 'events', 0, 'event_specification_id'], 'select events by vendor, name and version'],
      ['attribute_groups', group({ attributes: [{ ...attributes[1], property: { type: 'atomic', name: 'derived_tstamp', date_part: 'hour_of_day' } }] }), ['body', 'attributes', 0, 'property', 'date_part'], 'date parts are not available'],
      ['interventions', { ...intervention, payload_attribute_groups: [{ name: 'shopper', version: 1 }] }, ['body', 'payload_attribute_groups'], 'the payload carries the attributes the criteria reference'],
    ];
    for (const [collection, body, loc, instead] of cases) {
      const res = await post(collection, body);
      expect(res.status, res.text).toBe(422);
      const field = loc.at(-1) as string;
      expect(res.body.detail).toEqual([
        { loc, type: 'extra_forbidden', msg: expect.stringMatching(new RegExp(`^"${field}" is a Signals field Signalbox does not support yet; .*${instead}`)) },
      ]);
    }
    const changed = await post('interventions', { ...intervention, criteria: { attribute: 'shopper:views', operator: 'changed' } });
    expect(changed.status).toBe(422);
    expect(changed.body.detail).toEqual([
      { loc: ['body', 'criteria', 'operator'], type: 'enum', msg: expect.stringMatching(/^"changed" is a Signals operator Signalbox does not support yet; use one of =, !=, /) },
    ]);
    expect(await ok(server.call('GET', `${R}/attribute_groups/`))).toEqual([]);
    expect(await ok(server.call('GET', `${R}/interventions/`))).toEqual([]);
  });

  it('a misspelt field in a link or a publish request is a 422, not version 1 or "nothing to publish"', async () => {
    await ok(post('attribute_groups', group({ version: 2 })));
    const pinned = await post('services', { ...service, attribute_groups: [{ name: 'shopper', verison: 2 }] });
    expect(pinned.status).toBe(422);
    expect(pinned.body.detail).toEqual([
      { loc: ['body', 'attribute_groups', 0, 'verison'], type: 'extra_forbidden', msg: 'unknown field "verison"; did you mean "version"? (known fields: name, version)' },
    ]);
    expect((await server.call('GET', `${R}/services/website`)).status).toBe(404);

    const publish = await server.call('POST', '/api/v1/engines/publish', { attribute_group: [{ name: 'shopper', version: 2 }] });
    expect(publish.status).toBe(422);
    expect(publish.body.detail[0]).toMatchObject({ loc: ['body', 'attribute_group'], msg: expect.stringContaining('did you mean "attribute_groups"?') });
    const logs = await server.call('POST', '/api/v1/engines/unpublish', { event_logs: [{ name: 'session_log' }] });
    expect(logs.status).toBe(422);
    expect(logs.body.detail[0]).toMatchObject({ loc: ['body', 'event_logs'], msg: '"event_logs" is a Signals field Signalbox does not support yet; event logs are not available; remove it' });
    expect((await ok(server.call('GET', `${R}/attribute_groups/shopper/versions/2`))).is_published).toBe(false);
  });

  it('an unknown intervention operator is a 422 at the operator listing the operators that exist', async () => {
    const res = await post('interventions', { name: 'i', criteria: { any: [{ none: [{ attribute: 'shopper:views', operator: 'contains', value: 'x' }] }] } });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      {
        loc: ['body', 'criteria', 'any', 0, 'none', 0, 'operator'],
        type: 'enum',
        msg: 'Invalid option: expected one of "="|"!="|"<"|">"|"<="|">="|"like"|"not like"|"rlike"|"not rlike"|"in"|"not in"|"is null"|"is not null"',
      },
    ]);
  });

  it('a criteria node mixing a grouping and a comparison, or neither, says what a node is', async () => {
    for (const criteria of [{ all: [{ attribute: 'shopper:views', operator: '>', value: 1 }], attribute: 'shopper:views' }, {}]) {
      const res = await post('interventions', { name: 'i', criteria });
      expect(res.status).toBe(422);
      expect(res.body.detail[0]).toMatchObject({ loc: ['body', 'criteria'], msg: expect.stringContaining('a criteria node is exactly one of') });
    }
  });

  it('"events": [] is accepted and means every event, as in Signals (reference §2.4)', async () => {
    await ok(post('attribute_groups', group({ is_published: true, attributes: [{ name: 'all_events', type: 'int32', aggregation: 'counter', events: [] }] })));
    const events = [
      enrichedEvent({ time: NOW - 3000, user_id: USER }),
      { ...enrichedEvent({ time: NOW - 2000, user_id: USER }), event: 'struct', event_name: 'event', event_vendor: 'com.google.analytics' },
    ];
    expect((await server.call('POST', '/api/v1/events', events)).body.processed).toBe(2);
    const read = await ok(server.call('POST', '/api/v1/get-online-attributes', { attributes: ['shopper_v1:all_events'], attribute_keys: { shopper_id: [USER] } }));
    expect(read.all_events).toEqual([2]);
  });
});

describe('a key carried in full inside a group (items 7, 19)', () => {
  const groupUrl = `${R}/attribute_groups/shopper/versions/1`;

  it('must agree with the registered key it resolves to; a group never silently reads another key', async () => {
    await ok(post('attribute_keys', shopperKey));
    const other = { ...shopperKey, property: { type: 'atomic', name: 'user_ipaddress' } };
    const refused = await post('attribute_groups', group({ attribute_key: other }));
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      code: 'SIGNALBOX_ERR_REGISTRY_KEY_MISMATCH',
      detail: 'attribute group "shopper" version 1 carries attribute key "shopper_id" with another property than the registered key "shopper_id" it would read; update the key first (PUT /api/v1/registry/attribute_keys/shopper_id) or send {"name": "shopper_id"}',
    });
    expect((await server.call('GET', groupUrl)).status).toBe(404);
    expect((await post('attribute_groups', group({ attribute_key: { ...shopperKey, ttl: 'P30D' } }))).body.code).toBe('SIGNALBOX_ERR_REGISTRY_KEY_MISMATCH');
    // The same key in full, or in other words, is the key: accepted.
    await ok(post('attribute_groups', group({ attribute_key: { name: 'shopper_id', key: 'user_id', description: 'carried' } })));
  });

  it('cannot give a built-in key another column; the SDK constants pass', async () => {
    const refused = await post('attribute_groups', group({ attribute_key: { name: 'domain_userid', key: 'user_id' } }));
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toBe(
      'attribute group "shopper" version 1 carries attribute key "domain_userid" with another key than the built-in key "domain_userid" it would read; built-in keys cannot be changed: send {"name": "domain_userid"} or define a key with another name',
    );
    const sdkConstant = { name: 'domain_userid', key: 'domain_userid', description: 'The domain user ID for the user.', is_published: false };
    expect((await ok(post('attribute_groups', group({ attribute_key: sdkConstant })))).attribute_key_or_name).toBe('domain_userid');
  });

  it('a published group carrying an unregistered key keeps reading it: a later key of that name must agree', async () => {
    const carried = { name: 'shopper_id', property: { type: 'atomic', name: 'user_id' } };
    await ok(post('attribute_groups', group({ attribute_key: carried, is_published: true })));
    expect((await server.call('POST', '/api/v1/events', [enrichedEvent({ time: NOW - 1000, user_id: USER })])).body.processed).toBe(1);
    const read = () => ok(server.call('POST', '/api/v1/get-online-attributes', { attributes: ['shopper_v1:views'], attribute_keys: { shopper_id: [USER] } }));
    expect((await read()).views).toEqual([1]);

    for (const body of [{ ...carried, property: { type: 'atomic', name: 'user_ipaddress' } }, { ...carried, ttl: 'PT1M' }]) {
      const refused = await post('attribute_keys', body);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('SIGNALBOX_ERR_REGISTRY_KEY_MISMATCH');
      expect(refused.body.detail).toContain('from the key of that name that published attribute group "shopper" version 1 carries');
    }
    expect((await server.call('GET', `${R}/attribute_keys/shopper_id`)).status).toBe(404);
    await ok(post('attribute_keys', { ...carried, owner: 'data@example.com' }));
    expect((await read()).views).toEqual([1]);
  });
});

describe('unpublishing a group version a service pins (item 9)', () => {
  const read = () => server.call('POST', '/api/v1/get-online-attributes', { service: 'website', attribute_keys: { shopper_id: [USER] } });

  beforeEach(async () => {
    await ok(post('attribute_keys', shopperKey));
    await ok(post('attribute_groups', group({ is_published: true })));
    await ok(post('services', { ...service, is_published: true }));
    expect((await server.call('POST', '/api/v1/events', [enrichedEvent({ time: NOW - 1000, user_id: USER })])).body.processed).toBe(1);
    expect((await ok(read())).views).toEqual([1]);
  });

  it('is allowed (the SDK unpublishes groups before services), and the service then says so instead of serving frozen values', async () => {
    expect(await ok(server.call('POST', '/api/v1/engines/unpublish', { attribute_groups: [{ name: 'shopper', version: 1 }] }))).toEqual({ status: 'unpublished' });
    const refused = await read();
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      code: 'SIGNALBOX_ERR_SERVING_UNPUBLISHED',
      error: 'service "website" pins attribute group "shopper" version 1, which is not published, so its values are not computed; publish it again or pin a published version',
    });
    // Deleting it stays refused while the service pins it; republishing serves the kept values.
    const deleted = await server.call('DELETE', `${R}/attribute_groups/shopper/versions/1`);
    expect(deleted.status).toBe(400);
    expect(deleted.body.detail).toContain('is used by service "website"');
    await ok(server.call('POST', '/api/v1/engines/publish', { attribute_groups: [{ name: 'shopper', version: 1 }] }));
    expect((await ok(read())).views).toEqual([1]);
  });

  it('through PUT with is_published=false behaves the same', async () => {
    const got = await ok(server.call('GET', `${R}/attribute_groups/shopper/versions/1`));
    await ok(server.call('PUT', `${R}/attribute_groups/shopper/versions/1`, { ...got, is_published: false }));
    expect((await read()).body.code).toBe('SIGNALBOX_ERR_SERVING_UNPUBLISHED');
  });
});

describe('built-in attribute keys (items 16, 19)', () => {
  const BUILT_INS = ['domain_userid', 'domain_sessionid', 'network_userid', 'user_id'];

  it('are listed with the registered keys', async () => {
    await ok(post('attribute_keys', shopperKey));
    const names = (await ok(server.call('GET', `${R}/attribute_keys/`))).map((k: { name: string }) => k.name);
    expect(names).toEqual([...BUILT_INS, 'shopper_id']);
  });

  it('are read-only: POST already exists, a changing PUT or a DELETE is a 400, a PUT of what GET returned is a no-op', async () => {
    await ok(post('attribute_groups', group({ attribute_key: { name: 'domain_userid' }, is_published: true })));
    expect((await server.call('POST', '/api/v1/events', [enrichedEvent({ time: NOW - 1000, domain_userid: USER })])).body.processed).toBe(1);
    for (const name of BUILT_INS) {
      const url = `${R}/attribute_keys/${name}`;
      const got = await ok(server.call('GET', url));
      const created = await post('attribute_keys', { name, property: { type: 'atomic', name: 'user_ipaddress' } });
      expect(created.status).toBe(400);
      expect(created.body.detail).toBe(`attribute key "${name}" already exists; use PUT to update it`);
      for (const body of [{ ...got, key: 'user_ipaddress' }, { name, property: { type: 'atomic', name: 'user_ipaddress' } }, { ...got, ttl: 'P1D' }]) {
        const put = await server.call('PUT', url, body);
        expect(put.status).toBe(400);
        expect(put.body).toMatchObject({
          code: 'SIGNALBOX_ERR_REGISTRY_IMMUTABLE',
          detail: `attribute key "${name}" is built in and cannot be changed or deleted; define a key with another name to read identifiers elsewhere`,
        });
      }
      expect((await server.call('DELETE', url)).status).toBe(400);
      expect(await ok(server.call('PUT', url, got))).toEqual(got);
      expect(await ok(server.call('PUT', url, { name, key: name, description: 'as the SDK holds it', is_published: false }))).toEqual(got);
      expect(await ok(server.call('GET', url))).toEqual(got);
    }
    const read = await ok(server.call('POST', '/api/v1/get-online-attributes', { attributes: ['shopper_v1:views'], attribute_keys: { domain_userid: [USER] } }));
    expect(read.views).toEqual([1]);
  });
});
