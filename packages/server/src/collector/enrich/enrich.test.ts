/** enrichEvent as a whole: request defaults and overrides, failures with every reason, limits. */
import { describe, expect, it } from 'vitest';
import { enrichEvent, type RawEvent, type RequestFacts } from './index.js';

const FACTS: RequestFacts = {
  collectorTstamp: Date.parse('2026-11-28T12:00:00.500Z'),
  etlTstamp: Date.parse('2026-11-28T12:00:00.600Z'),
  collectorName: 'signalbox-collector-test',
  etlName: 'signalbox-enrich-test',
  ipAddress: '198.51.100.1',
  userAgent: 'node',
  referer: 'https://ref.example.com/from?x=1',
  networkUserId: 'cookie-id',
};
const MIN: RawEvent = { e: 'pv', p: 'srv', tv: 'node-4.8.0' };

function good(raw: RawEvent, facts: Partial<RequestFacts> = {}) {
  const result = enrichEvent(raw, { ...FACTS, ...facts }, { newEventId: () => '00000000-0000-4000-8000-000000000001' });
  if (!result.ok) throw new Error(result.reasons.join('; '));
  return result;
}
function bad(raw: RawEvent) {
  const result = enrichEvent(raw, FACTS);
  if (result.ok) throw new Error('expected a failure');
  return result.reasons;
}

describe('enrichEvent', () => {
  it('fills the collector-side fields and a generated event id', () => {
    const { event, tsv } = good(MIN);
    expect(tsv.split('\t')).toHaveLength(131);
    expect(event).toEqual({
      platform: 'srv', etl_tstamp: '2026-11-28T12:00:00.600Z', collector_tstamp: '2026-11-28T12:00:00.500Z', event: 'page_view',
      event_id: '00000000-0000-4000-8000-000000000001', v_tracker: 'node-4.8.0', v_collector: 'signalbox-collector-test', v_etl: 'signalbox-enrich-test',
      user_ipaddress: '198.51.100.1', network_userid: 'cookie-id', useragent: 'node',
      page_url: 'https://ref.example.com/from?x=1', page_urlscheme: 'https', page_urlhost: 'ref.example.com', page_urlport: 443, page_urlpath: '/from', page_urlquery: 'x=1',
      derived_tstamp: '2026-11-28T12:00:00.500Z',
      event_vendor: 'com.snowplowanalytics.snowplow', event_name: 'page_view', event_format: 'jsonschema', event_version: '1-0-0',
    });
  });

  it('lets the event override the request: ip, ua, url, nuid, tnuid, cv', () => {
    const { event } = good({ ...MIN, ip: '203.0.113.7, 10.0.0.1', ua: 'Custom UA', url: 'http://shop.example.com/', nuid: 'n1', cv: 'my-collector' });
    expect(event).toMatchObject({ user_ipaddress: '203.0.113.7', useragent: 'Custom UA', page_url: 'http://shop.example.com/', page_urlport: 80, network_userid: 'n1', v_collector: 'my-collector' });
    expect(good({ ...MIN, nuid: 'n1', tnuid: 't1' }).event['network_userid']).toBe('t1');
  });

  it('leaves what an anonymous request does not have empty', () => {
    const { event } = good(MIN, { ipAddress: undefined, networkUserId: undefined, referer: undefined, userAgent: undefined });
    for (const field of ['user_ipaddress', 'network_userid', 'page_url', 'useragent']) expect(event[field], field).toBeUndefined();
  });

  it('keeps a URL it cannot split and leaves the parts empty', () => {
    const { event } = good({ ...MIN, url: 'not a url', refr: 'about:blank' });
    expect(event).toMatchObject({ page_url: 'not a url', page_referrer: 'about:blank' });
    expect(event['page_urlhost']).toBeUndefined();
    expect(event['refr_urlhost']).toBeUndefined();
  });

  it('adds campaign fields, click ids and the cross-domain linker from the page URL', () => {
    const { event } = good({ ...MIN, url: `https://shop.example.com/?utm_source=ads&utm_medium=cpc&gclid=Cj0KCQ&_sp=d2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c.${Date.parse('2026-11-28T12:01:50.004Z')}` });
    expect(event).toMatchObject({
      mkt_source: 'ads', mkt_medium: 'cpc', mkt_clickid: 'Cj0KCQ', mkt_network: 'Google',
      refr_domain_userid: 'd2f4a0c7-7b1e-4f6e-9a4e-0e0c4f6a1b2c', refr_dvce_tstamp: '2026-11-28T12:01:50.004Z',
    });
  });

  it('uses the true timestamp for derived_tstamp', () => {
    const { event } = good({ ...MIN, ttm: String(Date.parse('2026-11-28T12:00:00.000Z')) });
    expect(event).toMatchObject({ true_tstamp: '2026-11-28T12:00:00.000Z', derived_tstamp: '2026-11-28T12:00:00.000Z' });
  });

  it('lower-cases eid and sid', () => {
    const { event } = good({ ...MIN, eid: '4D8293A5-5C10-476A-9740-CD0C0483D422', sid: '5C1A3B9E-2D4F-4E8A-9B7C-6A5D4E3F2A1B' });
    expect(event).toMatchObject({ event_id: '4d8293a5-5c10-476a-9740-cd0c0483d422', domain_sessionid: '5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b' });
  });

  it('sanitises text: tabs become four spaces, control characters go, the line keeps 131 fields', () => {
    const { event, tsv } = good({ ...MIN, page: 'Red\tShoe\n\r\u0001!', uid: 'a\tb', ua: 'UA\r\nInjected: 1' });
    expect(event).toMatchObject({ page_title: 'Red    Shoe!', user_id: 'a    b', useragent: 'UAInjected: 1' });
    expect(tsv.split('\t')).toHaveLength(131);
    expect(tsv).not.toMatch(/[\n\r]/);
  });

  it('keeps a struct event value as a number and a self-describing event with its entities', () => {
    expect(good({ ...MIN, e: 'se', se_ca: 'c', se_ac: 'a', se_va: '12.50' }).event).toMatchObject({ event: 'struct', se_value: 12.5, event_vendor: 'com.google.analytics', event_name: 'event' });
    const ue = good({
      ...MIN, e: 'ue',
      ue_pr: JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0', data: { schema: 'iglu:com.acme/Button_Click/jsonschema/2-1-0', data: { id: 'b1' } } }),
      cx: Buffer.from(JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0', data: [{ schema: 'iglu:com.acme/user/jsonschema/1-0-0', data: { tier: 'gold' } }, { schema: 'iglu:com.acme/user/jsonschema/1-0-0', data: { tier: 'silver' } }] })).toString('base64url'),
    });
    expect(ue.event).toMatchObject({
      event: 'unstruct', event_vendor: 'com.acme', event_name: 'Button_Click', event_format: 'jsonschema', event_version: '2-1-0',
      unstruct_event_com_acme_button_click_2: { id: 'b1' },
      contexts_com_acme_user_1: [{ tier: 'gold' }, { tier: 'silver' }],
    });
  });

  it('fails with every reason at once', () => {
    expect(bad({ e: 'xx', eid: 'nope', co: '{bad json', vid: 'x' })).toEqual([
      'vid: expected a 32-bit integer, got "x"',
      'p: required (the platform, e.g. "web" or "srv")',
      'tv: required (the tracker version)',
      'e: unknown event type "xx", expected pv, pp, se, ue, tr, ti or ev',
      'eid: expected a UUID, got "nope"',
      expect.stringMatching(/^co: invalid JSON: /),
    ]);
  });

  it('fails a missing e, a legacy ad impression, and a self-describing event without its payload', () => {
    expect(bad({ p: 'web', tv: 't' })).toEqual(['e: required (the event type, e.g. "pv", "se" or "ue")']);
    expect(bad({ ...MIN, e: 'ad' })).toEqual(['e: unknown event type "ad", expected pv, pp, se, ue, tr, ti or ev']);
    expect(bad({ ...MIN, e: 'ue' })).toEqual(['ue_pr / ue_px: required for a self-describing event (e=ue)']);
  });

  it('fails bad base64 and wrong schema URIs', () => {
    expect(bad({ ...MIN, e: 'ue', ue_px: 'ab$cd' })).toEqual(['ue_px: not base64: characters outside the base64 and base64url alphabets']);
    expect(bad({ ...MIN, e: 'ue', ue_pr: '{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"http://example.com/schema","data":{}}}' }))
      .toEqual(['ue_pr: data.schema is not a valid Iglu URI: "http://example.com/schema"']);
  });

  it('fails values longer than the atomic schema allows, including derived ones', () => {
    expect(bad({ ...MIN, uid: 'u'.repeat(256) })).toEqual(['user_id: 256 characters, more than the 255 the atomic schema allows']);
    expect(bad({ ...MIN, tr_cu: 'EURO' })).toEqual(['tr_currency: 4 characters, more than the 3 the atomic schema allows']);
    const longPath = `https://example.com/${'p'.repeat(3001)}`;
    expect(bad({ ...MIN, url: longPath })).toEqual(['page_urlpath: 3002 characters, more than the 3000 the atomic schema allows']);
    expect(bad({ ...MIN, url: `https://example.com/?q=${'x'.repeat(4100)}` })).toEqual([
      'page_url: 4123 characters, more than the 4096 the atomic schema allows',
    ]);
  });

  it('measures lengths after sanitising', () => {
    expect(good({ ...MIN, tr_cu: 'EU\u0000R' }).event['tr_currency']).toBe('EUR');
  });
});
