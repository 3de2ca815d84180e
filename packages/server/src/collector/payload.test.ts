import { describe, expect, it } from 'vitest';
import { expandTp2Post, isJsonContentType, queryParameters, readElement } from './payload.js';

const JSON_TYPE = 'application/json; charset=UTF-8';
const body = (data: unknown, schema = 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4') => JSON.stringify({ schema, data });

describe('tp2 POST bodies (step 2)', () => {
  it('expands every element of data, in order', () => {
    const out = expandTp2Post(body([{ e: 'pv', p: 'web', tv: 't' }, { e: 'pp', p: 'web', tv: 't' }]), JSON_TYPE, {});
    expect(out).toEqual({
      ok: true,
      events: [
        { position: 0, ok: true, raw: { e: 'pv', p: 'web', tv: 't' }, payload: '{"e":"pv","p":"web","tv":"t"}' },
        { position: 1, ok: true, raw: { e: 'pp', p: 'web', tv: 't' }, payload: '{"e":"pp","p":"web","tv":"t"}' },
      ],
    });
  });

  it('accepts payload_data 1-0-0 to 1-0-4', () => {
    for (const v of ['1-0-0', '1-0-1', '1-0-2', '1-0-3', '1-0-4']) {
      expect(expandTp2Post(body([{ e: 'pv' }], `iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/${v}`), JSON_TYPE, {}).ok, v).toBe(true);
    }
  });

  it('merges query parameters into every event, the query winning', () => {
    const out = expandTp2Post(body([{ e: 'pv', aid: 'body' }, { e: 'se' }]), JSON_TYPE, { aid: 'query', tv: 'q' });
    expect(out.ok && out.events.map((e) => e.ok && e.raw)).toEqual([{ e: 'pv', aid: 'query', tv: 'q' }, { e: 'se', aid: 'query', tv: 'q' }]);
  });

  it('rejects one element whose values are not all strings, keeping the others, with every reason', () => {
    const out = expandTp2Post(body([{ e: 'pv', vid: 3, cookie: true, co: { a: 1 }, uid: null }, 'str', [1], { e: 'pv' }]), JSON_TYPE, {});
    expect(out).toEqual({
      ok: true,
      events: [
        {
          position: 0, ok: false, reasons: ['vid: value is not a string (got number)', 'cookie: value is not a string (got boolean)', 'co: value is not a string (got object)', 'uid: value cannot be null'],
          payload: '{"e":"pv","vid":3,"cookie":true,"co":{"a":1},"uid":null}',
          // The rest of the element, for enrichment to report its other problems.
          partial: { raw: { e: 'pv' }, dropped: new Set(['vid', 'cookie', 'co', 'uid']) },
        },
        { position: 1, ok: false, reasons: ['event must be an object of string parameters, got string'], payload: '"str"' },
        { position: 2, ok: false, reasons: ['event must be an object of string parameters, got array'], payload: '[1]' },
        { position: 3, ok: true, raw: { e: 'pv' }, payload: '{"e":"pv"}' },
      ],
    });
  });

  it('fails the whole request for a wrong content type, non-JSON, a wrong wrapper or no events', () => {
    expect(expandTp2Post(body([{}]), 'text/plain', {})).toEqual({ ok: false, kind: 'unsupported-media', reason: 'content type must be application/json, got "text/plain"' });
    expect(expandTp2Post(body([{}]), undefined, {})).toMatchObject({ ok: false, kind: 'unsupported-media' });
    expect(expandTp2Post('', JSON_TYPE, {})).toEqual({ ok: false, kind: 'bad-payload', reason: 'empty body: expected a payload_data JSON object' });
    expect(expandTp2Post('{"schema":', JSON_TYPE, {})).toMatchObject({ ok: false, kind: 'bad-payload', reason: expect.stringMatching(/^body is not JSON: /) });
    expect(expandTp2Post('[]', JSON_TYPE, {})).toEqual({ ok: false, kind: 'bad-payload', reason: 'body must be a payload_data object {schema, data}, got array' });
    expect(expandTp2Post(body([{}], 'iglu:com.acme/payload_data/jsonschema/1-0-4'), JSON_TYPE, {})).toEqual({
      ok: false, kind: 'bad-payload', reason: 'schema must be iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-x, got "iglu:com.acme/payload_data/jsonschema/1-0-4"',
    });
    expect(expandTp2Post(body([{}], 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/2-0-0'), JSON_TYPE, {})).toMatchObject({ ok: false });
    expect(expandTp2Post(body({ e: 'pv' }), JSON_TYPE, {})).toEqual({ ok: false, kind: 'bad-payload', reason: 'data must be an array of events, got object' });
    expect(expandTp2Post(body([]), JSON_TYPE, {})).toEqual({ ok: false, kind: 'bad-payload', reason: 'data is an empty array: expected at least one event' });
  });

  it('recognises JSON content types with parameters, in any case', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('application/json; charset=UTF-8')).toBe(true);
    expect(isJsonContentType('Application/JSON;charset=utf-8')).toBe(true);
    expect(isJsonContentType('application/jsonp')).toBe(false);
    expect(isJsonContentType('text/plain;charset=UTF-8')).toBe(false);
  });
});

describe('query strings (step 2, GET)', () => {
  it('decodes the node tracker GET capture (encodeURIComponent, + as space)', () => {
    const q = queryParameters('stm=1795881710964&e=pv&url=https%3A%2F%2Fshop.example.com%2Fproducts%2Fshoe-1%3Futm_source%3Dnews%26utm_medium%3Demail%23top&page=Red%20Shoe&tz=Europe%2FLondon&ua=Mozilla%2F5.0%20(Macintosh%3B%20Intel%20Mac%20OS%20X%2010_15_7)&x=a+b');
    expect(q).toEqual({
      stm: '1795881710964', e: 'pv', url: 'https://shop.example.com/products/shoe-1?utm_source=news&utm_medium=email#top', page: 'Red Shoe', tz: 'Europe/London',
      ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', x: 'a b',
    });
  });

  it('keeps a parameter named like an Object.prototype property as a parameter, in a map without a prototype', () => {
    const q = queryParameters('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(q)).toBeNull();
    expect(Object.keys(q)).toEqual(['__proto__', 'constructor']);
    expect([q['__proto__'], q['constructor'], q['toString']]).toEqual(['x', 'y', undefined]);
    const element = readElement(JSON.parse('{"__proto__":"a","e":"pv"}'), 0, {});
    expect(element.ok && Object.keys(element.raw)).toEqual(['__proto__', 'e']);
    const merged = readElement(JSON.parse('{"__proto__":"a","e":"pv"}'), 0, queryParameters('toString=t&valueOf=v'));
    expect(merged.ok && Object.getPrototypeOf(merged.raw)).toBeNull();
    expect(merged.ok && { ...merged.raw }).toEqual({ ['__proto__']: 'a', e: 'pv', toString: 't', valueOf: 'v' });
  });
});

describe('bounds', () => {
  const deep = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

  it('rejects an element nested 5,000 deep as one bad element, keeping it as sent, and reads the others', () => {
    // Written by hand: JSON.stringify itself cannot write a value this deep.
    const deepArray = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const deepObject = `{"e":${'{"a":'.repeat(4999)}1${'}'.repeat(4999)}}`;
    const text = `{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[{"e":"pv"},${deepArray},${deepObject}]}`;
    const out = expandTp2Post(text, JSON_TYPE, {});
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.events.map((e) => e.ok)).toEqual([true, false, false]);
    const [, array, object] = out.events;
    expect(array).toMatchObject({ position: 1, reasons: ['event nests deeper than the limit of 64 levels of arrays and objects; an event is an object of string parameters'] });
    expect(array!.payload).toBe(deepArray);
    expect(object!.payload).toBe(deepObject);
  });

  it('an element 64 deep is judged by the usual rules', () => {
    const out = expandTp2Post(body([{ e: deep(63) }]), JSON_TYPE, {});
    expect(out.ok && out.events[0]).toMatchObject({ ok: false, reasons: ['e: value is not a string (got array)'] });
  });

  it('refuses a request of more than 10,000 events as a whole', () => {
    const out = expandTp2Post(body(Array.from({ length: 10_001 }, () => ({ e: 'pv' }))), JSON_TYPE, {});
    expect(out).toEqual({ ok: false, kind: 'bad-payload', reason: 'data holds 10001 events, more than the 10000 a request may carry' });
    expect(expandTp2Post(body(Array.from({ length: 10_000 }, () => ({ e: 'pv' }))), JSON_TYPE, {}).ok).toBe(true);
  });
});
