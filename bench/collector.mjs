/**
 * Collector throughput: tp2 POSTs of 10 browser-style events each (page views with the web_page
 * entity, as `@snowplow/browser-tracker` sends them) through the collector, enrichment, the
 * durable event log and the stream engine — measured beside a bare Fastify route that only parses
 * the same JSON body and answers `ok`, in the same run.
 *
 *   import { benchCollector } from './collector.mjs'
 *   await benchCollector({ url, baselineUrl })   // → plain object of numbers
 *
 * Standalone: `node bench/collector.mjs` starts Signalbox (packages/server/dist) and the baseline
 * in child processes, defines the benchmark attribute group and prints the result.
 * BENCH_QUICK=1 shortens the runs.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, BENCH_GROUP, ROOT, api, run, startBaselineProcess, startSignalboxProcess, userId } from './lib.mjs';

const TP2 = '/com.snowplowanalytics.snowplow/tp2';
const EVENTS_PER_REQUEST = 10;
const USERS = 10_000;
const BODIES = 500;

const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Request bodies as the browser tracker sends them: `payload_data` with 10 page views, every value a
 * string, the web_page entity as plain JSON in `co`. No `eid`, so the collector gives every event a
 * fresh id and the engine never skips one as a duplicate.
 */
export function collectorBodies(count = BODIES) {
  const bodies = [];
  let s = 12345;
  const next = () => (s = (s * 1103515245 + 12345) >>> 0);
  for (let b = 0; b < count; b++) {
    const data = [];
    for (let e = 0; e < EVENTS_PER_REQUEST; e++) {
      const user = userId(next() % USERS);
      const now = Date.now();
      data.push({
        e: 'pv', url: `https://shop.example.com/p/${next() % 50}?utm_source=news&utm_medium=email`, page: 'Product',
        refr: 'https://www.google.com/search?q=shoes', tv: 'js-4.10.1', tna: 'sp1', aid: 'shop-web', p: 'web', cookie: '1', cs: 'UTF-8',
        lang: 'en-GB', res: '1920x1080', cd: '24', tz: 'Europe/London', vp: '1280x720', ds: '1280x3400', vid: '3',
        sid: '5c1a3b9e-2d4f-4e8a-9b7c-6a5d4e3f2a1b', duid: user, dtm: String(now - 100), stm: String(now),
        co: JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0', data: [{ schema: 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0', data: { id: user } }] }),
      });
    }
    bodies.push(JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4', data }));
  }
  return bodies;
}

async function goodEvents(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const count = (outcome) => Number(new RegExp(`signalbox_collector_events_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { good: count('good'), bad: count('bad') };
}

async function load(url, bodies, seconds, connections) {
  let i = 0;
  const result = await run({
    url: `${url}${TP2}`,
    method: 'POST',
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
    headers: { 'content-type': 'application/json; charset=UTF-8', origin: 'https://shop.example.com', 'user-agent': 'Mozilla/5.0 (bench)' },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
  return {
    requests: result.requests.total,
    req_per_s: round(result.requests.average),
    events_per_s: round(result.requests.average * EVENTS_PER_REQUEST),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * The collector stage alone on one core: request expansion, validation and enrichment into TSV and
 * analytics-SDK JSON (`collect()`), in this process, without HTTP, the log or the engine.
 */
async function collectorStage(bodies, seconds) {
  const { collect } = await import(pathToFileURL(join(ROOT, 'packages/server/dist/collector/index.js')).href);
  const request = (body) => ({
    source: 'collector/tp2', method: 'POST', receivedAt: Date.now(), rawQuery: '', body, contentType: 'application/json; charset=UTF-8',
    userAgent: 'Mozilla/5.0 (bench)', anonymous: false, socketAddress: '127.0.0.1',
  });
  for (let i = 0; i < 500; i++) collect(request(bodies[i % bodies.length]));
  let events = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  for (let i = 0; performance.now() < until; i++) events += collect(request(bodies[i % bodies.length])).good.length;
  return round(events / ((performance.now() - started) / 1000));
}

/**
 * Measures tp2 POSTs of 10 events against a running Signalbox (`url`) and a bare Fastify route
 * (`baselineUrl`, which must answer POST /com.snowplowanalytics.snowplow/tp2). Returns numbers only.
 */
export async function benchCollector({ url, baselineUrl, quick = process.env.BENCH_QUICK === '1', seconds = quick ? 5 : 15, connections = 100 }) {
  const bodies = collectorBodies();
  await load(url, bodies.slice(0, 20), 1, 2); // warm-up: JIT and the first log segment
  const before = await goodEvents(url);
  const signalbox = await load(url, bodies, seconds, connections);
  const after = await goodEvents(url);
  const baseline = await load(baselineUrl, bodies, seconds, connections);
  const stage = await collectorStage(bodies, quick ? 2 : 5);
  return {
    events_per_request: EVENTS_PER_REQUEST,
    connections,
    seconds,
    signalbox_events_per_s: signalbox.events_per_s,
    signalbox_req_per_s: signalbox.req_per_s,
    signalbox_p50_ms: signalbox.p50_ms,
    signalbox_p99_ms: signalbox.p99_ms,
    signalbox_non2xx: signalbox.non2xx,
    signalbox_errors: signalbox.errors,
    /** Events the collector enriched and the engine processed during the measured run. */
    signalbox_good_events: after.good - before.good,
    signalbox_bad_events: after.bad - before.bad,
    baseline_events_per_s: baseline.events_per_s,
    baseline_req_per_s: baseline.req_per_s,
    baseline_p50_ms: baseline.p50_ms,
    baseline_p99_ms: baseline.p99_ms,
    ratio: round(signalbox.events_per_s / baseline.events_per_s, 3),
    /** collect() alone (expand, validate, enrich) on one core, no HTTP/log/engine. */
    collector_stage_events_per_s_one_core: stage,
  };
}

async function main() {
  const sb = await startSignalboxProcess();
  const base = await startBaselineProcess();
  try {
    await api(sb.url, '/api/v1/registry/attribute_groups/', BENCH_GROUP);
    const result = await benchCollector({ url: sb.url, baselineUrl: base.url, apiKey: API_KEY });
    console.log('\n| collector, tp2 POSTs of 10 events | Signalbox | bare Fastify | ratio |\n|---|---|---|---|');
    console.log(`| events/s | ${result.signalbox_events_per_s} | ${result.baseline_events_per_s} | ${result.ratio} |`);
    console.log(`| p50 ms | ${result.signalbox_p50_ms} | ${result.baseline_p50_ms} | |`);
    console.log(`| p99 ms | ${result.signalbox_p99_ms} | ${result.baseline_p99_ms} | |`);
    console.log(`\ncollector stage alone (expand, validate, enrich), one core: ${result.collector_stage_events_per_s_one_core} events/s`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await sb.stop();
    await base.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
