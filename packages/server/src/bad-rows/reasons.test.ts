import { ENRICHED_FIELD_INDEX, normalizeEnrichedJson, toEnrichedTsv } from '@signalbox/core';
import { describe, expect, it } from 'vitest';
import { MAX_REASONS, jsonReasons, tsvReasons } from './reasons.js';

const EVENT = {
  event_id: '9a97609f-99d6-4e58-b2a4-99d8e9cfdfa2', collector_tstamp: '2026-11-28T12:00:00.000Z', v_collector: 'c', v_etl: 'e',
  event: 'page_view', domain_userid: 'u1',
};
const GOOD_TSV = toEnrichedTsv(normalizeEnrichedJson(EVENT));

/** The good line with some columns replaced. */
function tsvWith(columns: Record<string, string>): string {
  const fields = GOOD_TSV.split('\t');
  for (const [name, value] of Object.entries(columns)) fields[ENRICHED_FIELD_INDEX.get(name)!] = value;
  return fields.join('\t');
}

describe('every reason of a rejected TSV line', () => {
  it('lists three problems of one line, in field order', () => {
    expect(tsvReasons(tsvWith({ event_id: '', dvce_created_tstamp: 'yesterday', br_cookies: 'yes' }))).toEqual([
      'field 5 (dvce_created_tstamp): invalid timestamp "yesterday", expected YYYY-MM-DD HH:MM:SS[.fff]',
      'field 7 (event_id): required',
      'field 94 (br_cookies): invalid boolean "yes", expected 0 or 1',
    ]);
  });

  it('gives one reason for a line with the wrong number of fields', () => {
    expect(tsvReasons('a\tb\tc')).toEqual(['expected 131 tab-separated fields, got 3']);
  });

  it('finds nothing wrong with a good line', () => {
    expect(tsvReasons(GOOD_TSV)).toEqual([]);
  });
});

describe('every reason of a rejected JSON event', () => {
  it('lists three problems of one event', () => {
    const { collector_tstamp: _missing, ...rest } = EVENT;
    expect(jsonReasons({ ...rest, hello: 'world', se_value: 'abc' })).toEqual([
      'hello: unknown key: not an enriched field, contexts_* or unstruct_event_*',
      'collector_tstamp: required',
      'se_value: expected a number, got string "abc"',
    ]);
  });

  it('keeps a "__proto__" key a key, and reports a value that is not an object', () => {
    expect(jsonReasons(JSON.parse(`{"__proto__": 1, "event_id": "e1", "collector_tstamp": "2026-11-28T12:00:00Z"}`))).toEqual([
      '__proto__: unknown key: not an enriched field, contexts_* or unstruct_event_*',
    ]);
    expect(jsonReasons('not an event')).toEqual(['expected an event object, got string']);
  });

  it(`stops at ${MAX_REASONS} reasons and says there are more`, () => {
    const noisy = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`junk_${i}`, i]));
    const reasons = jsonReasons({ ...EVENT, ...noisy });
    expect(reasons).toHaveLength(MAX_REASONS + 1);
    expect(reasons.at(-1)).toBe(`… more problems not listed (a bad row lists at most ${MAX_REASONS})`);
  });
});
