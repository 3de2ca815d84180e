import { describe, expect, it } from 'vitest';
import { collect, type IncomingRequest } from './collect.js';

const BODY = JSON.stringify({
  schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4',
  data: [
    { e: 'pv', p: 'srv', tv: 'node-4.8.0', eid: '337becff-95b2-4367-a222-734374e627c0', url: 'https://shop.example.com/' },
    { e: 'zz', p: 'srv', tv: 'node-4.8.0' },
    { e: 'se', p: 'srv', tv: 'node-4.8.0', se_ca: 'c', se_ac: 'a', se_va: 7 },
    { e: 'se', p: 'srv', tv: 'node-4.8.0', se_ca: 'c', se_ac: 'a' },
  ],
});

const POST: IncomingRequest = {
  source: 'collector/tp2', method: 'POST', receivedAt: Date.parse('2026-11-28T12:00:00Z'), rawQuery: '', body: BODY,
  contentType: 'application/json; charset=UTF-8', userAgent: 'node', forwardedFor: '203.0.113.7, 10.0.0.2', socketAddress: '::ffff:127.0.0.1',
  cookie: 'sp=8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', anonymous: false,
};

let n = 0;
const ids = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

describe('collect', () => {
  it('enriches the good events of a request and keeps the bad ones with position and reasons', () => {
    const out = collect(POST, { newId: ids });
    expect(out.good.map((g) => g.event['event'])).toEqual(['page_view', 'struct']);
    expect(out.good.every((g) => g.format === 'T' && g.text.split('\t').length === 131)).toBe(true);
    expect(out.good[0]!.event).toMatchObject({ user_ipaddress: '203.0.113.7', network_userid: '8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', useragent: 'node', v_collector: 'signalbox-collector-0.1.0', v_etl: 'signalbox-enrich-0.1.0' });
    expect(out.bad).toEqual([
      { position: 1, reasons: ['e: unknown event type "zz", expected pv, pp, se, ue, tr, ti or ev'], payload: '{"e":"zz","p":"srv","tv":"node-4.8.0"}' },
      { position: 2, reasons: ['se_va: value is not a string (got number)'], payload: '{"e":"se","p":"srv","tv":"node-4.8.0","se_ca":"c","se_ac":"a","se_va":7}' },
    ]);
    expect(out.networkUserId).toBe('8f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0');
    expect(out.failure).toBeUndefined();
  });

  it('lists every problem of an event, also besides values that are not strings', () => {
    const body = JSON.stringify({
      schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4',
      data: [
        { e: 'bogus', p: 'web', tv: 'js-4.10.1', vid: 3, eid: 'not-a-uuid' },
        // `e` itself is not a string: "e: required" would only repeat that.
        { e: 1, p: 'web', tv: 'js-4.10.1', res: 'big' },
      ],
    });
    expect(collect({ ...POST, body }, { newId: ids }).bad.map((b) => b.reasons)).toEqual([
      ['vid: value is not a string (got number)', 'e: unknown event type "bogus", expected pv, pp, se, ue, tr, ti or ev', 'eid: expected a UUID, got "not-a-uuid"'],
      ['e: value is not a string (got number)', 'res: expected WIDTHxHEIGHT in whole pixels, got "big"'],
    ]);
  });

  it('falls back to the socket address and makes a network user id when there is no cookie', () => {
    const out = collect({ ...POST, forwardedFor: undefined, cookie: undefined }, { newId: () => 'new-nuid' });
    expect(out.networkUserId).toBe('new-nuid');
    expect(out.good[0]!.event).toMatchObject({ user_ipaddress: '127.0.0.1', network_userid: 'new-nuid' });
  });

  it('honours SP-Anonymous: no network user id, no IP from the request', () => {
    const out = collect({ ...POST, anonymous: true });
    expect(out.networkUserId).toBeUndefined();
    expect(out.good[0]!.event['network_userid']).toBeUndefined();
    expect(out.good[0]!.event['user_ipaddress']).toBeUndefined();
  });

  it('reads one event from a GET query string, nuid setting the cookie too', () => {
    const out = collect({ ...POST, source: 'collector/i', method: 'GET', body: undefined, contentType: undefined, rawQuery: 'e=pv&p=web&tv=js-4.10.1&nuid=n-1&page=Home+Page' });
    expect(out.networkUserId).toBe('n-1');
    expect(out.good.map((g) => g.event)).toEqual([expect.objectContaining({ event: 'page_view', page_title: 'Home Page', network_userid: 'n-1' })]);
    const broken = collect({ ...POST, method: 'GET', body: undefined, rawQuery: 'e=pv' });
    expect(broken.bad).toEqual([{ position: 0, reasons: ['p: required (the platform, e.g. "web" or "srv")', 'tv: required (the tracker version)'], payload: 'e=pv' }]);
  });

  it('keeps a request that fails as a whole as one bad row and reports the failure', () => {
    const out = collect({ ...POST, body: '{"schema": "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4", "data": [' });
    expect(out.good).toEqual([]);
    expect(out.bad).toEqual([{ reasons: [expect.stringMatching(/^body is not JSON/)], payload: '{"schema": "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4", "data": [' }]);
    expect(out.failure?.kind).toBe('bad-payload');
  });
});
