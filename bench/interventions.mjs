/**
 * Event-to-intervention latency over SSE: events go in with POST /api/v1/events at a fixed rate
 * (1,000 and 10,000 events/s, open loop in 10 ms batches), a rule fires on the first page view
 * of a session, and subscribers listening on the intervention stream time each firing from the
 * moment its event's request was sent to the moment its frame arrived.
 *
 * Every event is evaluated against the rule; one in PROBE_EVERY starts a session that
 * subscribers listen for (the probes). The rest are the load: returning sessions, which the rule
 * sees but (fired already) does not fire for again.
 *
 *   import { benchInterventions } from './interventions.mjs';
 *   const result = await benchInterventions({ url: 'http://127.0.0.1:8080', apiKey: '…' });
 *
 * Standalone: `node bench/interventions.mjs [--url URL] [--api-key KEY] [--quick]` (or
 * SIGNALBOX_URL / SIGNALBOX_API_KEY); without a URL it starts a Signalbox of its own.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { normalizeEnrichedJson, toEnrichedTsv } from '@signalbox/core';

const GROUP = {
  name: 'bench_iv_session',
  version: 1,
  attribute_key: { name: 'domain_sessionid' },
  owner: 'bench@example.com',
  is_published: true,
  attributes: [{ name: 'page_views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] }],
};
const RULE = {
  name: 'bench_iv_first_view',
  version: 1,
  owner: 'bench@example.com',
  is_published: true,
  criteria: { attribute: 'bench_iv_session:page_views', operator: '>=', value: 1 },
  target_attribute_keys: [{ name: 'domain_sessionid' }],
};
const TICK_MS = 10;
const PROBE_EVERY = 20;
const IDS_PER_STREAM = 100;
const MAX_IN_FLIGHT = 64;
const LOAD_SESSIONS = 2000;

const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const percentile = (sorted, p) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);

async function put(url, apiKey, path, body) {
  const res = await fetch(`${url}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
}

/**
 * Enriched TSV lines from one template (as bench/lib.mjs does): TSV is what a collector pipeline
 * sends, and cheaper to parse than JSON, so the measurement is of the engine, not of JSON.parse.
 */
const TEMPLATE = toEnrichedTsv(
  normalizeEnrichedJson({
    app_id: 'bench', platform: 'web', etl_tstamp: '2026-01-01T00:00:00.000Z', collector_tstamp: '2026-01-01T00:00:00.000Z',
    derived_tstamp: '2026-01-01T00:00:00.000Z', event: 'page_view', event_id: '00000000-0000-4000-8000-00000000e1d0',
    v_collector: 'bench', v_etl: 'bench', v_tracker: 'bench', event_vendor: 'com.snowplowanalytics.snowplow', event_name: 'page_view',
    event_format: 'jsonschema', event_version: '1-0-0', domain_userid: '00000000-0000-4000-8000-0000000000d0',
    domain_sessionid: '00000000-0000-4000-8000-0000000005d0', page_url: 'https://shop.example/', page_urlpath: '/',
  }),
).split('\t');
const at = (value) => TEMPLATE.indexOf(value);
const FIELD = {
  eventId: at('00000000-0000-4000-8000-00000000e1d0'),
  duid: at('00000000-0000-4000-8000-0000000000d0'),
  sid: at('00000000-0000-4000-8000-0000000005d0'),
  times: TEMPLATE.map((v, i) => (v.startsWith('2026-01-01 00:00:00') ? i : -1)).filter((i) => i >= 0),
};

function event(sid, duid, now) {
  const fields = TEMPLATE.slice();
  const t = new Date(now).toISOString().replace('T', ' ').replace('Z', '');
  fields[FIELD.eventId] = randomUUID();
  fields[FIELD.duid] = duid;
  fields[FIELD.sid] = sid;
  for (const i of FIELD.times) fields[i] = t;
  return fields.join('\t');
}

/** One SSE connection for up to 100 session ids; calls `onFrame(sessionId)` per intervention. */
function openStream(url, apiKey, sids, onFrame) {
  const query = sids.map((s) => `domain_sessionid=${s}`).join('&');
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/api/v1/interventions?${query}`, { headers: { accept: 'text/event-stream', authorization: `Bearer ${apiKey}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`subscribe: HTTP ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const at = performance.now();
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) onFrame(JSON.parse(data.slice(6)).target_attribute_key?.id, at);
        }
      });
      resolve(req);
    });
    req.on('error', reject);
  });
}

async function measure(url, apiKey, rate, seconds) {
  const total = Math.round(rate * seconds);
  const probes = Math.ceil(total / PROBE_EVERY);
  const probeSids = Array.from({ length: probes }, () => randomUUID());
  const sentAt = new Map();
  const latencies = [];
  const streams = [];
  for (let i = 0; i < probeSids.length; i += IDS_PER_STREAM) {
    streams.push(await openStream(url, apiKey, probeSids.slice(i, i + IDS_PER_STREAM), (sid, at) => {
      const t0 = sentAt.get(sid);
      if (t0 !== undefined) {
        latencies.push(at - t0);
        sentAt.delete(sid);
      }
    }));
  }
  // Load sessions fire once (unheard) during warm-up, then are only evaluated.
  const loadSids = Array.from({ length: LOAD_SESSIONS }, () => randomUUID());
  const duid = randomUUID();
  await post(url, apiKey, loadSids.map((sid) => event(sid, duid, Date.now())));

  const processedBefore = await processedTotal(url);
  const perTick = rate * (TICK_MS / 1000);
  let sent = 0;
  let probe = 0;
  let inFlight = 0;
  let skipped = 0;
  const failures = [];
  const started = performance.now();
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.ceil(((performance.now() - started) / 1000) * rate + perTick));
      if (sent < due) {
        if (inFlight >= MAX_IN_FLIGHT) skipped++;
        else {
          const batch = [];
          const probesInBatch = [];
          const now = Date.now();
          for (; sent < due; sent++) {
            if (sent % PROBE_EVERY === 0 && probe < probeSids.length) {
              const sid = probeSids[probe++];
              probesInBatch.push(sid);
              batch.push(event(sid, duid, now));
            } else {
              batch.push(event(loadSids[sent % LOAD_SESSIONS], duid, now));
            }
          }
          const t0 = performance.now();
          for (const sid of probesInBatch) sentAt.set(sid, t0);
          inFlight++;
          post(url, apiKey, batch).catch((e) => failures.push(String(e))).finally(() => inFlight--);
        }
      }
      if (sent >= total) return resolve();
      setTimeout(tick, TICK_MS);
    };
    tick();
  });
  const sendSeconds = (performance.now() - started) / 1000;
  // Let the last firings arrive.
  const deadline = Date.now() + 5000;
  while ((inFlight > 0 || sentAt.size > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const drainedSeconds = (performance.now() - started) / 1000;
  const processed = (await processedTotal(url)) - processedBefore;
  for (const s of streams) s.destroy();
  if (failures.length > 0) throw new Error(`ingest failed: ${failures[0]}`);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    target_events_per_s: rate,
    achieved_events_per_s: round(total / sendSeconds, 0),
    /** What the server got through, from sending the first event to the last response. */
    processed_events_per_s: round(processed / drainedSeconds, 0),
    events: total,
    samples: sorted.length,
    lost: sentAt.size,
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted[sorted.length - 1] ?? NaN),
    ticks_behind: skipped,
  };
}

async function processedTotal(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^signalbox_events_processed_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

async function post(url, apiKey, lines) {
  const res = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/tab-separated-values' },
    body: lines.join('\n'),
  });
  if (res.status !== 200) throw new Error(`POST /api/v1/events: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

/**
 * Latency from sending an event to receiving the intervention it fired, over SSE, at 1,000 and
 * 10,000 events/s. Returns plain numbers (milliseconds, events/s, counts).
 */
export async function benchInterventions({ url, apiKey, quick = false }) {
  await put(url, apiKey, `/api/v1/registry/attribute_groups/${GROUP.name}/versions/1`, GROUP);
  await put(url, apiKey, `/api/v1/registry/interventions/${RULE.name}/versions/1`, RULE);
  const seconds = quick ? 2 : 6;
  return {
    at_1000_events_per_s: await measure(url, apiKey, 1000, seconds),
    at_10000_events_per_s: await measure(url, apiKey, 10_000, seconds),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  let url = flag('--url') ?? process.env.SIGNALBOX_URL;
  let apiKey = flag('--api-key') ?? process.env.SIGNALBOX_API_KEY;
  let own;
  if (!url) {
    const { startSignalboxProcess, API_KEY } = await import('./lib.mjs');
    own = await startSignalboxProcess();
    url = own.url;
    apiKey = API_KEY;
  }
  try {
    console.log(JSON.stringify(await benchInterventions({ url, apiKey, quick: args.includes('--quick') }), null, 2));
  } finally {
    await own?.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
