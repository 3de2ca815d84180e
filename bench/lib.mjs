/**
 * Shared pieces of the benchmarks: starting the real server as a child process, a bare Fastify
 * baseline in another child process, autocannon runs, and generated enriched events.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { normalizeEnrichedJson, toEnrichedTsv } from '@signalbox/core';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..');
export const CLI = join(ROOT, 'packages/server/dist/cli/main.js');
export const API_KEY = 'bench-key';

/** Start `signalbox start` in its own process (its own core); resolves once it listens. */
export async function startSignalboxProcess(extraEnv = {}, nodeArgs = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'signalbox-bench-'));
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'start', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, SIGNALBOX_API_KEY: API_KEY, SIGNALBOX_LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await waitForLine(child, /Signalbox is running at (http:\/\/\S+)/);
  return { child, url, dataDir, stop: () => stopChild(child) };
}

/** Bare Fastify with the same kinds of routes, as the baseline measured in the same run. */
export async function startBaselineProcess() {
  const child = spawn(process.execPath, [join(here, 'baseline-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await waitForLine(child, /baseline listening at (http:\/\/\S+)/);
  return { child, url, stop: () => stopChild(child) };
}

function waitForLine(child, pattern) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`process exited with ${code}: ${out}`)));
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Resident memory of a process in bytes, from /proc. */
export function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export function run(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

/** Numbers event ids, so every generated event in a process is distinct. */
let eventNumber = 0;

/** A template enriched TSV line; events differ by id, user and time (fields 7, 16, 4, 125). */
export function eventLines(count, { users, startMs, stepMs = 1, seed = 1 }) {
  const template = toEnrichedTsv(
    normalizeEnrichedJson({
      app_id: 'bench', platform: 'web', etl_tstamp: new Date(startMs).toISOString(), collector_tstamp: new Date(startMs).toISOString(),
      event: 'page_view', event_id: '00000000-0000-4000-8000-000000000000', v_collector: 'bench', v_etl: 'bench', v_tracker: 'bench',
      domain_userid: 'x', domain_sessionid: '11111111-2222-4333-8444-555555555555', page_url: 'https://shop.example.com/p/1',
      page_title: 'Product', page_urlpath: '/p/1', refr_medium: 'search', doc_width: 1280,
      derived_tstamp: new Date(startMs).toISOString(), event_vendor: 'com.snowplowanalytics.snowplow', event_name: 'page_view',
      event_format: 'jsonschema', event_version: '1-0-0',
    }),
  ).split('\t');
  const lines = new Array(count);
  let s = seed;
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const t = new Date(startMs + i * stepMs).toISOString().replace('T', ' ').replace('Z', '');
    const fields = template.slice();
    fields[6] = `${(s >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${(eventNumber++).toString(16).padStart(12, '0')}`;
    fields[15] = users(i);
    fields[3] = t;
    fields[124] = t;
    fields[35] = `/p/${s % 50}`;
    lines[i] = fields.join('\t');
  }
  return lines;
}

export function userId(n) {
  return `00000000-0000-4000-a000-${n.toString(16).padStart(12, '0')}`;
}

export async function api(url, path, body, method = 'POST') {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The benchmark's 10-attribute group, 4 of them windowed. */
const PV = [{ name: 'page_view' }];
const atomic = (name) => ({ type: 'atomic', name });
export const BENCH_GROUP = {
  name: 'bench',
  version: 1,
  attribute_key: { name: 'domain_userid' },
  is_published: true,
  attributes: [
    { name: 'views', type: 'int64', aggregation: 'counter', events: PV },
    { name: 'views_10m', type: 'int64', aggregation: 'counter', events: PV, period: 'PT10M' },
    { name: 'views_1h', type: 'int64', aggregation: 'counter', events: PV, period: 'PT1H' },
    { name: 'last_path', type: 'string', aggregation: 'last', events: PV, property: atomic('page_urlpath') },
    { name: 'first_path', type: 'string', aggregation: 'first', events: PV, property: atomic('page_urlpath') },
    { name: 'paths', type: 'string_list', aggregation: 'unique_list', events: PV, property: atomic('page_urlpath') },
    { name: 'paths_30m', type: 'string_list', aggregation: 'unique_list', events: PV, property: atomic('page_urlpath'), period: 'PT30M' },
    { name: 'last_title', type: 'string', aggregation: 'last', events: PV, property: atomic('page_title') },
    { name: 'search_views', type: 'int32', aggregation: 'counter', events: PV, criteria: { all: [{ property: atomic('refr_medium'), operator: '=', value: 'search' }] } },
    { name: 'width_sum_5m', type: 'double', aggregation: 'sum', events: PV, property: atomic('doc_width'), period: 'PT5M' },
  ],
};

