import { describe, expect, it } from 'vitest';
import { contextsColumn, decodeBase64, readContexts, readUnstruct, unstructColumn } from './self-describing.js';

const CONTEXTS = '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":[{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0","data":{"id":"SKU-1","category":"shoes","price":59.99,"currency":"EUR","quantity":1}}]}';
const UNSTRUCT = '{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2","data":{"type":"add_to_cart"}}}';
// The node tracker's captured cx (reference §1.6): base64url, padding removed.
const CAPTURED_CX = 'eyJzY2hlbWEiOiJpZ2x1OmNvbS5zbm93cGxvd2FuYWx5dGljcy5zbm93cGxvdy9jb250ZXh0cy9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6W3sic2NoZW1hIjoiaWdsdTpjb20uc25vd3Bsb3dhbmFseXRpY3Muc25vd3Bsb3cuZWNvbW1lcmNlL3Byb2R1Y3QvanNvbnNjaGVtYS8xLTAtMCIsImRhdGEiOnsiaWQiOiJTS1UtMSIsImNhdGVnb3J5Ijoic2hvZXMiLCJwcmljZSI6NTkuOTksImN1cnJlbmN5IjoiRVVSIiwicXVhbnRpdHkiOjF9fV19';
const CAPTURED_UE_PX = 'eyJzY2hlbWEiOiJpZ2x1OmNvbS5zbm93cGxvd2FuYWx5dGljcy5zbm93cGxvdy91bnN0cnVjdF9ldmVudC9qc29uc2NoZW1hLzEtMC0wIiwiZGF0YSI6eyJzY2hlbWEiOiJpZ2x1OmNvbS5zbm93cGxvd2FuYWx5dGljcy5zbm93cGxvdy5lY29tbWVyY2Uvc25vd3Bsb3dfZWNvbW1lcmNlX2FjdGlvbi9qc29uc2NoZW1hLzEtMC0yIiwiZGF0YSI6eyJ0eXBlIjoiYWRkX3RvX2NhcnQifX19';

describe('base64 (step 5)', () => {
  it('decodes the captured tracker values (base64url without padding)', () => {
    expect(decodeBase64(CAPTURED_CX)).toEqual({ ok: true, value: CONTEXTS });
    expect(decodeBase64(CAPTURED_UE_PX)).toEqual({ ok: true, value: UNSTRUCT });
  });

  it('also takes standard base64 with padding, and a + that became a space in a query string', () => {
    const text = '{"a":"??>>"}';
    const standard = Buffer.from(text).toString('base64');
    expect(standard).toMatch(/[+/=]/);
    expect(decodeBase64(standard)).toEqual({ ok: true, value: text });
    expect(decodeBase64(Buffer.from(text).toString('base64url'))).toEqual({ ok: true, value: text });
    expect(decodeBase64(standard.replaceAll('+', ' '))).toEqual({ ok: true, value: text });
  });

  it('rejects characters outside the alphabets, impossible lengths and non-UTF-8 bytes', () => {
    expect(decodeBase64('abc!')).toEqual({ ok: false, reasons: ['not base64: characters outside the base64 and base64url alphabets'] });
    expect(decodeBase64('abcde')).toEqual({ ok: false, reasons: ['not base64: truncated (length is 1 more than a multiple of 4)'] });
    expect(decodeBase64(Buffer.from([0xff, 0xfe, 0x80]).toString('base64'))).toEqual({ ok: false, reasons: ['base64 decodes to bytes that are not UTF-8'] });
  });
});

describe('readContexts / readUnstruct (step 5)', () => {
  it('reads plain and encoded forms alike', () => {
    const plain = readContexts(CONTEXTS, 'co');
    expect(plain).toEqual(readContexts(CAPTURED_CX, 'cx'));
    expect(plain).toEqual({ ok: true, value: [{ schema: 'iglu:com.snowplowanalytics.snowplow.ecommerce/product/jsonschema/1-0-0', data: { id: 'SKU-1', category: 'shoes', price: 59.99, currency: 'EUR', quantity: 1 } }] });
    expect(readUnstruct(UNSTRUCT, 'ue_pr')).toEqual(readUnstruct(CAPTURED_UE_PX, 'ue_px'));
  });

  it('re-wraps entities as contexts 1-0-1 with schema before data; no entities is an empty column', () => {
    const read = readContexts(CONTEXTS, 'co');
    expect(read.ok && contextsColumn(read.value)).toBe(CONTEXTS.replace('contexts/jsonschema/1-0-0', 'contexts/jsonschema/1-0-1'));
    expect(contextsColumn([])).toBe('');
    const ue = readUnstruct(UNSTRUCT, 'ue_pr');
    expect(ue.ok && unstructColumn(ue.value)).toBe(UNSTRUCT);
  });

  it('accepts an empty entity list', () => {
    expect(readContexts('{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[]}', 'co')).toEqual({ ok: true, value: [] });
  });

  it('names the parameter and the problem', () => {
    expect(readContexts('{"schema":', 'co')).toMatchObject({ ok: false, reasons: [expect.stringMatching(/^co: invalid JSON: /)] });
    expect(readContexts('!!!', 'cx')).toEqual({ ok: false, reasons: ['cx: not base64: characters outside the base64 and base64url alphabets'] });
    expect(readContexts('[]', 'co')).toEqual({ ok: false, reasons: ['co: expected a contexts object {schema, data}, got array'] });
    expect(readContexts('{"schema":"iglu:com.acme/contexts/jsonschema/1-0-0","data":{}}', 'co')).toEqual({
      ok: false,
      reasons: ['co: schema must be iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-x, got "iglu:com.acme/contexts/jsonschema/1-0-0"', 'co: data must be an array of entities, got object'],
    });
  });

  it('reports every bad entity', () => {
    const text = JSON.stringify({
      schema: 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0',
      data: [
        { schema: 'iglu:com.acme/ok/jsonschema/1-0-0', data: {} },
        { schema: 'com.acme/no_prefix/jsonschema/1-0-0', data: {} },
        { schema: 'iglu:com.acme/x/jsonschema/1-0', data: [] },
        'entity',
        { data: {} },
      ],
    });
    expect(readContexts(text, 'co')).toEqual({
      ok: false,
      reasons: [
        'co: data[1].schema is not a valid Iglu URI: "com.acme/no_prefix/jsonschema/1-0-0"',
        'co: data[2].schema is not a valid Iglu URI: "iglu:com.acme/x/jsonschema/1-0"',
        'co: data[2].data must be an object, got array',
        'co: data[3] must be an object {schema, data}, got string',
        'co: data[4].schema must be a string, got undefined',
      ],
    });
  });

  it('checks the self-describing event wrapper and its inner schema', () => {
    expect(readUnstruct('{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:bad","data":{}}}', 'ue_pr')).toEqual({
      ok: false, reasons: ['ue_pr: data.schema is not a valid Iglu URI: "iglu:bad"'],
    });
    expect(readUnstruct('{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":{"schema":"iglu:com.acme/e/jsonschema/1-0-0","data":{}}}', 'ue_pr')).toEqual({
      ok: false, reasons: ['ue_pr: schema must be iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-x, got "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0"'],
    });
    expect(readUnstruct('null', 'ue_px')).toMatchObject({ ok: false });
  });
});
