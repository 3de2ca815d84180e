/**
 * A bad row keeps every reason its input was rejected for (design §5), whichever way it came in:
 * an enriched TSV line, a JSON event, or a tracker event through the collector. Each input below
 * has three problems, and the bad row lists all three, also in the data dir's bad-rows file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENRICHED_FIELD_INDEX } from '@signalbox/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enrichedEvent, enrichedTsv } from '../support/events.js';
import { type TestServer, startTestServer } from '../support/server.js';

let server: TestServer;
const NOW = Date.parse('2026-11-28T12:00:00Z');
beforeEach(async () => {
  server = await startTestServer({}, { clock: () => NOW });
});
afterEach(() => server.destroy());

const keptRows = () => readFileSync(join(server.dataDir, 'bad-rows.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reasons: string[] });

describe('bad rows list every reason', () => {
  it('of an enriched TSV line, and the rest of the batch is processed', async () => {
    const fields = enrichedTsv({ time: NOW }).split('\t');
    fields[ENRICHED_FIELD_INDEX.get('dvce_created_tstamp')!] = 'yesterday';
    fields[ENRICHED_FIELD_INDEX.get('domain_sessionidx')!] = 'two';
    fields[ENRICHED_FIELD_INDEX.get('br_cookies')!] = 'yes';
    const res = await server.call('POST', '/api/v1/events', `${enrichedTsv({ time: NOW })}\n${fields.join('\t')}\n`, { contentType: 'text/tab-separated-values' });
    const reasons = [
      'field 5 (dvce_created_tstamp): invalid timestamp "yesterday", expected YYYY-MM-DD HH:MM:SS[.fff]',
      'field 17 (domain_sessionidx): invalid integer "two"',
      'field 94 (br_cookies): invalid boolean "yes", expected 0 or 1',
    ];
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, processed: 1, rejected: 1, errors: [{ line: 2, reason: reasons.join('; ') }] });
    const listed = await server.call('GET', '/api/v1/bad-rows');
    expect(listed.body.bad_rows).toEqual([expect.objectContaining({ source: 'api/events', position: 2, reasons, payload: fields.join('\t') })]);
    expect(keptRows().at(-1)!.reasons).toEqual(reasons);
  });

  it('of a JSON event', async () => {
    const { collector_tstamp: _missing, ...event } = enrichedEvent({ time: NOW });
    const res = await server.call('POST', '/api/v1/events', [enrichedEvent({ time: NOW }), { ...event, hello: 'world', se_value: 'abc' }]);
    const reasons = [
      'hello: unknown key: not an enriched field, contexts_* or unstruct_event_*',
      'collector_tstamp: required',
      'se_value: expected a number, got string "abc"',
    ];
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1, errors: [{ index: 1, reason: reasons.join('; ') }] });
    expect((await server.call('GET', '/api/v1/bad-rows')).body.bad_rows).toEqual([expect.objectContaining({ source: 'api/events', position: 1, reasons })]);
    expect(keptRows().at(-1)!.reasons).toEqual(reasons);
  });

  it('of a tracker event sent to the collector', async () => {
    const payload = {
      schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4',
      data: [{ e: 'pv', p: 'web', tv: 'js-4.10.1' }, { e: 'bogus', p: 'web', tv: 'js-4.10.1', vid: 3, eid: 'not-a-uuid' }],
    };
    const res = await server.app.inject({ method: 'POST', url: '/com.snowplowanalytics.snowplow/tp2', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
    expect(res.statusCode).toBe(200);
    const reasons = [
      'vid: value is not a string (got number)',
      'e: unknown event type "bogus", expected pv, pp, se, ue, tr, ti or ev',
      'eid: expected a UUID, got "not-a-uuid"',
    ];
    expect((await server.call('GET', '/api/v1/bad-rows')).body.bad_rows).toEqual([
      expect.objectContaining({ source: 'collector/tp2', position: 1, reasons, payload: JSON.stringify(payload.data[1]) }),
    ]);
    expect(keptRows().at(-1)!.reasons).toEqual(reasons);
  });
});
