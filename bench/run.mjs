/**
 * `npm run bench`: Signalbox measured beside bare Fastify in the same run (design §5).
 *
 *   1. events/s through POST /api/v1/events into the embedded engine, 10-attribute group (4 windowed)
 *   2. get-online-attributes req/s for a 10-attribute service, then p50/p99 at half that rate
 *   3. resident memory with 1,000,000 identifiers in the group
 *   + the collector and intervention benchmarks when their modules are present
 *
 * Results are printed and saved to bench/results/<date>.json. Set BENCH_QUICK=1 for a short run.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, BENCH_GROUP, ROOT, api, eventLines, rssBytes, run, startBaselineProcess, startSignalboxProcess, userId } from './lib.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const BATCH = 1000;
const INGEST_BATCHES = QUICK ? 60 : 300;
const READ_SECONDS = QUICK ? 5 : 15;
const MEMORY_IDENTIFIERS = QUICK ? 100_000 : 1_000_000;
const POPULATED_USERS = 10_000;

const auth = { authorization: `Bearer ${API_KEY}` };
const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

async function ingest(url, bodies) {
  let i = 0;
  // Timed here: autocannon's own duration is whole seconds, too coarse for a fixed amount of work.
  const started = performance.now();
  const result = await run({
    url: `${url}/api/v1/events`,
    method: 'POST',
    connections: 4,
    pipelining: 1,
    amount: bodies.length,
    timeout: 60,
    headers: { ...auth, 'content-type': 'text/tab-separated-values' },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`ingest: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const seconds = (performance.now() - started) / 1000;
  return { events: bodies.length * BATCH, seconds: round(seconds, 2), events_per_s: round((bodies.length * BATCH) / seconds) };
}

function readRequest() {
  let n = 0;
  return (req) => {
    n = (n * 1103515245 + 12345) >>> 0;
    return { ...req, body: JSON.stringify({ service: 'bench_service', attribute_keys: { domain_userid: [userId(n % POPULATED_USERS)] } }) };
  };
}

async function reads(url, overallRate) {
  const result = await run({
    url: `${url}/api/v1/get-online-attributes`,
    method: 'POST',
    connections: 10,
    duration: READ_SECONDS,
    ...(overallRate ? { overallRate } : {}),
    headers: { ...auth, 'content-type': 'application/json' },
    requests: [{ setupRequest: readRequest() }],
  });
  if (result.non2xx > 0) throw new Error(`reads: ${result.non2xx} non-2xx responses`);
  return { req_per_s: round(result.requests.average), p50_ms: result.latency.p50, p99_ms: result.latency.p99, requests: result.requests.total };
}

/** Seconds until the warehouse loader has loaded everything logged. */
async function waitForWarehouse(url) {
  const started = Date.now();
  for (;;) {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const backlog = Number(/signalbox_warehouse_backlog_bytes (\d+)/.exec(metrics)?.[1] ?? 0);
    if (backlog === 0) return round((Date.now() - started) / 1000, 1);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main() {
  const results = { date: new Date().toISOString(), quick: QUICK, node: process.version, cpus: (await import('node:os')).cpus().length };
  const sb = await startSignalboxProcess();
  const base = await startBaselineProcess();
  try {
    await api(sb.url, '/api/v1/registry/attribute_groups/', BENCH_GROUP);
    await api(sb.url, '/api/v1/registry/services/', { name: 'bench_service', attribute_groups: [{ name: 'bench', version: 1 }], is_published: true });

    console.log(`ingest: ${INGEST_BATCHES} requests of ${BATCH} enriched TSV events …`);
    const lines = eventLines(INGEST_BATCHES * BATCH, { users: (i) => userId(i % POPULATED_USERS), startMs: Date.now() - 20 * 60_000, stepMs: 1 });
    const bodies = Array.from({ length: INGEST_BATCHES }, (_, b) => lines.slice(b * BATCH, (b + 1) * BATCH).join('\n'));
    results.ingest = { signalbox: await ingest(sb.url, bodies), bare_fastify: await ingest(base.url, bodies) };
    results.ingest.ratio = round(results.ingest.signalbox.events_per_s / results.ingest.bare_fastify.events_per_s, 3);
    // The warehouse loader follows the log on its own thread; let it catch up so the read
    // measurements see a quiet server, and report how long loading took.
    results.ingest.warehouse_caught_up_after_s = await waitForWarehouse(sb.url);

    console.log('reads: maximum throughput, then latency at half of it …');
    const maxSb = await reads(sb.url);
    const maxBase = await reads(base.url);
    const half = Math.max(1, Math.round(maxSb.req_per_s / 2));
    results.reads = {
      max: { signalbox: maxSb, bare_fastify: maxBase, ratio: round(maxSb.req_per_s / maxBase.req_per_s, 3) },
      at_half_rate: { rate: half, signalbox: await reads(sb.url, half), bare_fastify: await reads(base.url, half) },
    };

    for (const [name, file, fn] of [['collector', 'collector.mjs', 'benchCollector'], ['interventions', 'interventions.mjs', 'benchInterventions']]) {
      const path = join(ROOT, 'bench', file);
      if (!existsSync(path)) continue;
      console.log(`${name} …`);
      const mod = await import(pathToFileURL(path).href);
      results[name] = await mod[fn]({ url: sb.url, baselineUrl: base.url, apiKey: API_KEY, quick: QUICK });
      await waitForWarehouse(sb.url);
    }

    console.log(`memory: ${MEMORY_IDENTIFIERS.toLocaleString()} identifiers …`);
    const rssBefore = rssBytes(sb.child.pid);
    const started = Date.now();
    for (let done = 0; done < MEMORY_IDENTIFIERS; ) {
      const n = Math.min(50 * BATCH, MEMORY_IDENTIFIERS - done);
      const chunk = eventLines(n, { users: (i) => userId(POPULATED_USERS + done + i), startMs: Date.now() - 60_000, stepMs: 0, seed: 7 + done });
      const chunkBodies = Array.from({ length: Math.ceil(n / BATCH) }, (_, b) => chunk.slice(b * BATCH, (b + 1) * BATCH).join('\n'));
      await ingest(sb.url, chunkBodies);
      done += n;
    }
    const seconds = (Date.now() - started) / 1000;
    const metrics = await (await fetch(`${sb.url}/metrics`)).text();
    const identifiers = Number(/signalbox_profiles_identifiers (\d+)/.exec(metrics)?.[1]);
    const rss = rssBytes(sb.child.pid);
    results.memory = {
      identifiers,
      rss_mib: round(rss / 2 ** 20),
      rss_before_mib: round(rssBefore / 2 ** 20),
      bytes_per_identifier: round((rss - rssBefore) / (identifiers - POPULATED_USERS)),
      load_events_per_s: round(MEMORY_IDENTIFIERS / seconds),
    };
  } finally {
    await sb.stop();
    await base.stop();
  }

  print(results);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const file = join(ROOT, 'bench', 'results', `${results.date.replace(/[:.]/g, '-')}${QUICK ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`saved ${file}`);
}

function print(r) {
  const rows = [
    ['ingest events/s (POST /api/v1/events, 1000/request)', r.ingest.signalbox.events_per_s, r.ingest.bare_fastify.events_per_s, r.ingest.ratio],
    ['reads req/s (get-online-attributes, 10 attributes)', r.reads.max.signalbox.req_per_s, r.reads.max.bare_fastify.req_per_s, r.reads.max.ratio],
    [`reads p50 ms at ${r.reads.at_half_rate.rate} req/s`, r.reads.at_half_rate.signalbox.p50_ms, r.reads.at_half_rate.bare_fastify.p50_ms, ''],
    [`reads p99 ms at ${r.reads.at_half_rate.rate} req/s`, r.reads.at_half_rate.signalbox.p99_ms, r.reads.at_half_rate.bare_fastify.p99_ms, ''],
  ];
  console.log('\n| measurement | Signalbox | bare Fastify | ratio |\n|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(`\nwarehouse loader caught up ${r.ingest.warehouse_caught_up_after_s} s after the ingest run`);
  console.log(`memory: ${r.memory.identifiers} identifiers, RSS ${r.memory.rss_mib} MiB (${r.memory.bytes_per_identifier} bytes each), loaded at ${r.memory.load_events_per_s} events/s`);
  for (const extra of ['collector', 'interventions']) if (r[extra]) console.log(`${extra}: ${JSON.stringify(r[extra])}`);
}

await main();
