/**
 * Fuzz: thousands of malformed requests at the collector (tp2 POST, GET /i) and at
 * `POST /api/v1/events` — random bytes, truncated JSON, bad base64, wrong schema URIs, oversized
 * fields, non-string values — mixed with good events in the same requests. The server must never
 * answer 5xx or crash, must keep every rejected event as a bad row with a reason, and must still
 * process every good event. Each generated request knows how many good and bad events it holds
 * (the reference model); the totals are compared at the end.
 *
 * Seeded: set FUZZ_SEED to replay a failing run (the seed is in the test name).
 */
import { toEnrichedTsv, normalizeEnrichedJson } from '@signalbox/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrichedEvent } from '../support/events.js';
import { type TestServer, startTestServer } from '../support/server.js';
import { type Rng, prng } from '../support/prng.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261128);
const COLLECTOR_REQUESTS = 2400;
const EVENTS_API_REQUESTS = 800;
const PARALLEL = 16;



const USER = 'fuzz-user';
const TP2 = '/com.snowplowanalytics.snowplow/tp2';
const PAYLOAD_DATA = 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4';
const CONTEXTS = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0';
const UNSTRUCT = 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0';

/** A good tracker event of a random kind, with random (but legal) text in its free fields. */
function goodEvent(r: Rng): Record<string, string> {
  const base: Record<string, string> = {
    p: r.pick(['web', 'srv', 'mob', 'app']), tv: r.pick(['js-4.10.1', 'node-4.8.0']), aid: 'fuzz', duid: USER,
    eid: r.uuid(), dtm: String(1795881700000 + r.int(100000)), stm: String(1795881800000 + r.int(1000)),
    url: `https://shop.example.com/p/${r.int(1000)}?utm_source=${encodeURIComponent(r.text(5))}&gclid=${r.int(1e9)}`,
    page: r.text(r.int(40)),
    vid: String(r.int(100)),
  };
  const entities = JSON.stringify({ schema: CONTEXTS, data: [{ schema: 'iglu:com.acme/thing/jsonschema/1-0-0', data: { text: r.text(10), n: r.int(1000) } }] });
  switch (r.int(4)) {
    case 0:
      return { ...base, e: 'pv' };
    case 1:
      return { ...base, e: 'pp', pp_miy: String(r.int(500)), pp_may: String(500 + r.int(500)) };
    case 2:
      return { ...base, e: 'se', se_ca: r.text(8), se_ac: r.text(8), se_va: String(r.int(10000) / 100), ...(r.int(2) ? { co: entities } : { cx: Buffer.from(entities).toString('base64url') }) };
    default: {
      const ue = JSON.stringify({ schema: UNSTRUCT, data: { schema: 'iglu:com.acme/click/jsonschema/1-0-0', data: { id: r.text(6) } } });
      return { ...base, e: 'ue', ...(r.int(2) ? { ue_pr: ue } : { ue_px: Buffer.from(ue).toString(r.int(2) ? 'base64url' : 'base64') }) };
    }
  }
}

/** A tracker event that must fail, and how (every mutation is one the enrichment rejects). */
function badEvent(r: Rng): unknown {
  const event: Record<string, unknown> = goodEvent(r);
  const mutations: Array<() => unknown> = [
    () => ({ ...event, [r.pick(['vid', 'dtm', 'e', 'page', 'url', 'eid'])]: r.pick([42, 1.5, true, false, null, { a: 1 }, ['x']]) }),
    () => ({ ...event, e: r.pick(['xx', 'ad', 'PV', 'ue ', '\u0000']) }),
    () => ({ ...event, eid: r.pick(['not-a-uuid', '1234', r.text(36)]) }),
    () => ({ ...event, e: 'ue', ue_pr: undefined, ue_px: `${Buffer.from('{"schema":"x"}').toString('base64url')}${r.pick(['!', '*', '.', '$', '~'])}` }),
    () => ({ ...event, cx: Buffer.from(JSON.stringify({ schema: CONTEXTS, data: [] })).toString('base64url').slice(0, -3) + 'A', co: undefined }),
    () => ({ ...event, co: JSON.stringify({ schema: CONTEXTS, data: [{ schema: r.pick(['iglu:com.acme/x/jsonschema/1-0', 'http://example.com/s', 'iglu:com.acme/x/jsonschema/01-0-0', 'iglu:com acme/x/jsonschema/1-0-0']), data: {} }] }), cx: undefined }),
    () => ({ ...event, co: JSON.stringify({ schema: 'iglu:com.acme/contexts/jsonschema/1-0-0', data: [] }), cx: undefined }),
    () => ({ ...event, e: 'ue', ue_px: undefined, ue_pr: JSON.stringify({ schema: UNSTRUCT, data: { schema: 'iglu:com.acme/click/jsonschema/1-0-0', data: r.pick(['s', 1, null, []]) } }) }),
    () => ({ ...event, co: `{"schema":"${CONTEXTS}","data":[`, cx: undefined }),
    () => ({ ...event, [r.pick(['uid', 'duid', 'tna', 'aid'])]: 'u'.repeat(256 + r.int(3000)) }),
    () => ({ ...event, url: `https://shop.example.com/?q=${'x'.repeat(4097 + r.int(2000))}` }),
    () => ({ ...event, se_ca: 'c'.repeat(1001 + r.int(1000)) }),
    () => ({ ...event, p: r.pick(['desktop', 'WEB', 'x']) }),
    () => ({ ...event, tv: undefined }),
    () => ({ ...event, vid: r.pick(['abc', '1.5', '99999999999']) }),
    () => ({ ...event, res: r.pick(['1920*1080', 'x', '1x', '-1x2']) }),
    () => ({ ...event, cookie: r.pick(['yes', '2', 'true']) }),
    () => ({ ...event, dtm: r.pick(['yesterday', '1.5e12', '99999999999999999']) }),
    () => ({ ...event, e: 'ue', ue_pr: undefined, ue_px: undefined }),
    () => r.pick(['event', 42, null, true, ['e', 'pv']]),
  ];
  return r.pick(mutations)();
}

interface Case {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** Good events it carries (processed), and bad rows it must leave, by source. */
  good: number;
  bad: number;
  source: 'collector/tp2' | 'collector/i' | 'api/events' | 'none';
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

function collectorCase(r: Rng): Case {
  const roll = r.int(100);
  if (roll < 12) return { method: 'POST', url: TP2, headers: JSON_HEADERS, payload: r.bytes(r.int(400)), good: 0, bad: 1, source: 'collector/tp2' };
  if (roll < 22) {
    const full = JSON.stringify({ schema: PAYLOAD_DATA, data: [goodEvent(r), goodEvent(r)] });
    return { method: 'POST', url: TP2, headers: JSON_HEADERS, payload: full.slice(0, r.int(full.length)), good: 0, bad: 1, source: 'collector/tp2' };
  }
  if (roll < 26) {
    const body = JSON.stringify(r.pick([{ schema: 'iglu:com.acme/payload_data/jsonschema/1-0-4', data: [goodEvent(r)] }, { schema: PAYLOAD_DATA, data: [] }, { schema: PAYLOAD_DATA, data: goodEvent(r) }, [goodEvent(r)], 'ok', { data: [goodEvent(r)] }]));
    return { method: 'POST', url: TP2, headers: JSON_HEADERS, payload: body, good: 0, bad: 1, source: 'collector/tp2' };
  }
  if (roll < 28) {
    return { method: 'POST', url: TP2, headers: { 'content-type': r.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) }, payload: JSON.stringify({ schema: PAYLOAD_DATA, data: [goodEvent(r)] }), good: 0, bad: 1, source: 'collector/tp2' };
  }
  if (roll < 29) {
    return { method: 'POST', url: TP2, headers: JSON_HEADERS, payload: 'x'.repeat(1024 * 1024 + 1 + r.int(1000)), good: 0, bad: 1, source: 'collector/tp2' };
  }
  if (roll < 45) {
    // GET /i: a good event, a bad one, or random bytes in the query string.
    const kind = r.int(3);
    if (kind === 0) return { method: 'GET', url: `/i?${new URLSearchParams(goodEvent(r)).toString()}`, headers: {}, good: 1, bad: 0, source: 'collector/i' };
    if (kind === 1) {
      const bad = badEvent(r);
      const entries = typeof bad === 'object' && bad !== null && !Array.isArray(bad) ? Object.entries(bad) : [['e', 'zz'] as [string, unknown]];
      let params = entries.filter((entry): entry is [string, string] => typeof entry[1] === 'string');
      // A query string carries only strings: when the mutation was a non-string value, it is gone,
      // so drop tv as well to keep the event bad.
      if (params.length !== entries.length) params = params.filter(([k]) => k !== 'tv');
      return { method: 'GET', url: `/i?${new URLSearchParams(params).toString()}`, headers: {}, good: 0, bad: 1, source: 'collector/i' };
    }
    const junk = [...r.bytes(r.int(200))].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    return { method: 'GET', url: `/i?${junk}&${r.text(5).replace(/[^a-zA-Z0-9]/g, '')}=${encodeURIComponent(r.text(20))}`, headers: {}, good: 0, bad: 1, source: 'collector/i' };
  }
  // A tp2 batch mixing good and bad events, query parameters merged into each.
  const data: unknown[] = [];
  let good = 0;
  let bad = 0;
  for (let i = 1 + r.int(12); i > 0; i--) {
    if (r.int(2)) { data.push(goodEvent(r)); good++; } else { data.push(badEvent(r)); bad++; }
  }
  return { method: 'POST', url: r.int(4) ? TP2 : `${TP2}?lang=en-GB`, headers: JSON_HEADERS, payload: JSON.stringify({ schema: PAYLOAD_DATA, data }), good, bad, source: 'collector/tp2' };
}

function goodEnriched(r: Rng): Record<string, unknown> {
  return enrichedEvent({ time: Date.parse('2026-11-28T11:00:00Z') + r.int(3_600_000), event_id: r.uuid(), domain_userid: USER, page_title: r.text(10).replace(/[\t\n\r\u0000-\u001f\u007f]/g, '') });
}

function badTsvLine(r: Rng): string {
  const fields = toEnrichedTsv(normalizeEnrichedJson(goodEnriched(r))).split('\t');
  const mutations: Array<() => string> = [
    () => fields.slice(0, 1 + r.int(129)).join('\t'),
    () => [...fields, 'extra'].join('\t'),
    () => { fields[3] = r.pick(['yesterday', '2026-13-01 00:00:00', '2026-11-28T12:00:00', '']); return fields.join('\t'); },
    () => { fields[6] = ''; return fields.join('\t'); },
    () => { fields[16] = r.pick(['three', '1.5']); return fields.join('\t'); },
    () => { fields[52] = r.pick(['{', '[]', '{"schema":"iglu:x","data":[]}', `{"schema":"${CONTEXTS}","data":[{"schema":"bad","data":{}}]}`]); return fields.join('\t'); },
    () => { fields[93] = 'yes'; return fields.join('\t'); },
    () => `${r.text(30).replace(/[\n\r]/g, ' ')}x`,
  ];
  return r.pick(mutations)();
}

function badJsonEvent(r: Rng): unknown {
  const event = goodEnriched(r);
  return r.pick<() => unknown>([
    () => ({ ...event, event_id: undefined }),
    () => ({ ...event, collector_tstamp: 'yesterday' }),
    () => ({ ...event, domain_sessionidx: 'three' }),
    () => ({ ...event, page_title: 42 }),
    () => ({ ...event, not_a_field: 1 }),
    () => ({ ...event, contexts_com_acme_x_1: 'not an array' }),
    () => r.pick(['event', 1, null, [1]]),
  ])();
}

function eventsApiCase(r: Rng): Case {
  const roll = r.int(100);
  if (roll < 10) {
    // Not JSON at all (a leading control character never parses): a 400, and the body is kept as one bad row.
    return { method: 'POST', url: '/api/v1/events', headers: { ...JSON_HEADERS }, payload: Buffer.concat([Buffer.from([1]), r.bytes(r.int(300))]), good: 0, bad: 1, source: 'api/events' };
  }
  let good = 0;
  let bad = 0;
  if (roll < 55) {
    const lines: string[] = [];
    for (let i = 1 + r.int(15); i > 0; i--) {
      if (r.int(2)) { lines.push(toEnrichedTsv(normalizeEnrichedJson(goodEnriched(r)))); good++; } else { lines.push(badTsvLine(r)); bad++; }
    }
    return { method: 'POST', url: '/api/v1/events', headers: { 'content-type': 'text/tab-separated-values' }, payload: lines.join(r.int(2) ? '\n' : '\r\n'), good, bad, source: 'api/events' };
  }
  const items: unknown[] = [];
  for (let i = 1 + r.int(15); i > 0; i--) {
    if (r.int(2)) { items.push(goodEnriched(r)); good++; } else { items.push(badJsonEvent(r)); bad++; }
  }
  return { method: 'POST', url: '/api/v1/events', headers: { ...JSON_HEADERS }, payload: JSON.stringify(items), good, bad, source: 'api/events' };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { clock: () => Date.parse('2026-11-28T12:00:00Z') });
  const group = {
    name: 'fuzz', version: 1, attribute_key: { name: 'domain_userid' }, owner: 'team@example.com', is_published: true,
    attributes: [{ name: 'events', type: 'int64', aggregation: 'counter', events: [] }],
  };
  expect((await server.call('POST', '/api/v1/registry/attribute_groups/', group)).status).toBe(200);
});
afterAll(() => server.destroy());

describe(`fuzzing the collector and POST /api/v1/events (seed ${SEED})`, () => {
  it('never answers 5xx, keeps every rejected event with a reason and processes every good one', async () => {
    const r = prng(SEED);
    const cases = [
      ...Array.from({ length: COLLECTOR_REQUESTS }, () => collectorCase(r)),
      ...Array.from({ length: EVENTS_API_REQUESTS }, () => eventsApiCase(r)),
    ];
    // Shuffle so the two endpoints interleave.
    for (let i = cases.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [cases[i], cases[j]] = [cases[j]!, cases[i]!];
    }
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    for (let i = 0; i < cases.length; i += PARALLEL) {
      await Promise.all(cases.slice(i, i + PARALLEL).map(async (c, k) => {
        const headers = { authorization: 'Bearer test-key-0123456789', ...c.headers };
        const res = await server.app.inject({ method: c.method, url: c.url, headers, ...(c.payload !== undefined ? { payload: c.payload } : {}) });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode >= 500) serverErrors.push(`case ${i + k}: ${c.method} ${c.url.slice(0, 80)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      }));
    }
    expect(serverErrors).toEqual([]);

    const expected = { good: 0, bad: { 'collector/tp2': 0, 'collector/i': 0, 'api/events': 0 } as Record<string, number> };
    for (const c of cases) {
      expected.good += c.good;
      if (c.source !== 'none') expected.bad[c.source]! += c.bad;
    }
    // Sanity of the generator: plenty of each.
    expect(cases.length).toBeGreaterThanOrEqual(3000);
    expect(expected.good).toBeGreaterThan(2000);
    expect(Object.values(expected.bad).every((n) => n > 200)).toBe(true);

    const metrics = (await server.call('GET', '/metrics')).text;
    const badRows = (source: string) => Number(/ (\d+)$/.exec(metrics.split('\n').find((l) => l.startsWith(`signalbox_bad_rows_total{source="${source}"}`)) ?? ' 0')![1]);
    expect({ 'collector/tp2': badRows('collector/tp2'), 'collector/i': badRows('collector/i'), 'api/events': badRows('api/events') }).toEqual(expected.bad);

    const listed = await server.call('GET', '/api/v1/bad-rows?limit=10000');
    const total = Object.values(expected.bad).reduce((a, b) => a + b, 0);
    expect(listed.body.total).toBe(total);
    for (const row of listed.body.bad_rows as Array<{ reasons: string[]; source: string }>) {
      expect(row.reasons.length).toBeGreaterThan(0);
      expect(row.reasons.every((reason) => typeof reason === 'string' && reason.length > 0)).toBe(true);
    }

    const read = await server.call('POST', '/api/v1/get-online-attributes', { attributes: ['fuzz_v1:events'], attribute_keys: { domain_userid: [USER] } });
    expect(read.body).toEqual({ domain_userid: [USER], events: [expected.good] });

    // Still serving.
    expect((await server.call('GET', '/health-all')).status).toBe(200);
    const ok = await server.app.inject({ method: 'POST', url: TP2, headers: JSON_HEADERS, payload: JSON.stringify({ schema: PAYLOAD_DATA, data: [goodEvent(r)] }) });
    expect(ok.statusCode).toBe(200);
  });
});
