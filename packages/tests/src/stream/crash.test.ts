/**
 * Exactly once across `kill -9`: the real server runs as a child process, events stream in with
 * several requests in flight, the process is killed mid-stream (twice, with snapshots and log
 * truncation happening in between), restarted on the same data dir, and every batch that was not
 * acknowledged is sent again — plus some that were. Every value must equal the reference model,
 * which saw each event exactly once.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { enrichedEvent } from '../support/events.js';
import { STREAM_BACKENDS } from '../support/backends.js';
import { type ServerProcess, startServerProcess } from '../support/process.js';
import { tempDataDir } from '../support/server.js';
import { type ModelGroup, ReferenceModel } from './reference-model.js';

const KEY = 'crash-test-key';

const PV = [{ name: 'page_view' }];
const group = {
  name: 'crash',
  version: 1,
  attribute_key: { name: 'domain_userid' },
  is_published: true,
  attributes: [
    { name: 'views', type: 'int64', aggregation: 'counter', events: PV },
    { name: 'views_1d', type: 'int64', aggregation: 'counter', events: PV, period: 'P1D' },
    { name: 'value_sum', type: 'double', aggregation: 'sum', events: PV, property: { type: 'atomic', name: 'se_value' } },
    { name: 'value_max', type: 'double', aggregation: 'max', events: PV, property: { type: 'atomic', name: 'se_value' } },
    { name: 'first_path', type: 'string', aggregation: 'first', events: PV, property: { type: 'atomic', name: 'page_urlpath' } },
    { name: 'last_path', type: 'string', aggregation: 'last', events: PV, property: { type: 'atomic', name: 'page_urlpath' } },
    { name: 'paths', type: 'string_list', aggregation: 'unique_list', events: PV, property: { type: 'atomic', name: 'page_urlpath' } },
  ],
};
const DAY = 86_400_000;
const modelGroup: ModelGroup = {
  name: 'crash',
  keyOf: (e) => e.domain_userid,
  attributes: [
    { name: 'views', aggregation: 'counter', type: 'int64', accepts: () => true, ttlMs: 7 * DAY },
    { name: 'views_1d', aggregation: 'counter', type: 'int64', accepts: () => true, periodMs: DAY, ttlMs: DAY + 1_800_000 },
    { name: 'value_sum', aggregation: 'sum', type: 'double', accepts: () => true, value: (e) => e.se_value, ttlMs: 7 * DAY },
    { name: 'value_max', aggregation: 'max', type: 'double', accepts: () => true, value: (e) => e.se_value, ttlMs: 7 * DAY },
    { name: 'first_path', aggregation: 'first', type: 'string', accepts: () => true, value: (e) => e.page_urlpath, ttlMs: 7 * DAY },
    { name: 'last_path', aggregation: 'last', type: 'string', accepts: () => true, value: (e) => e.page_urlpath, ttlMs: 7 * DAY },
    { name: 'paths', aggregation: 'unique_list', type: 'string_list', accepts: () => true, value: (e) => e.page_urlpath, ttlMs: 7 * DAY },
  ],
};

const users = Array.from({ length: 40 }, () => randomUUID());
const start = Date.now() - 3_600_000;
// Distinct event times, so first/last/unique_list do not depend on processing order.
const events = Array.from({ length: 12_000 }, (_, i) =>
  enrichedEvent({ time: start + i * 97, domain_userid: users[i % users.length]!, page_urlpath: `/p/${(i * 7) % 23}`, se_value: String((i % 50) / 4) }),
);
const BATCH = 100;
const batches = Array.from({ length: events.length / BATCH }, (_, b) => events.slice(b * BATCH, (b + 1) * BATCH));

async function post(url: string, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/**
 * Send batches with `concurrency` requests in flight; kill the server after `killAfter`
 * acknowledgements (if given). Returns the indexes of the acknowledged batches.
 */
async function stream(server: ServerProcess, indexes: number[], concurrency: number, killAfter?: number): Promise<Set<number>> {
  const acked = new Set<number>();
  const queue = [...indexes];
  let killing: Promise<void> | undefined;
  const worker = async () => {
    while (queue.length > 0 && !killing) {
      const b = queue.shift()!;
      try {
        const res = await post(server.url, '/api/v1/events', batches[b]);
        if (res.status === 200) acked.add(b);
      } catch {
        return; // the server died under this request: not acknowledged
      }
      if (killAfter !== undefined && acked.size >= killAfter && !killing) killing = server.kill9();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await killing;
  return acked;
}

for (const backend of STREAM_BACKENDS) describe(`kill -9 mid-stream on ${backend.name}`, () => {
  const dataDir = tempDataDir('signalbox-crash-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const args = ['--data-dir', dataDir, ...backend.args];
  /** A server killed when the test ends, so a failed assertion leaves no process behind. */
  const start = async (env: Record<string, string>): Promise<ServerProcess> => {
    const server = await startServerProcess(args, env);
    onTestFinished(() => server.kill9());
    return server;
  };

  it('every acknowledged event counts exactly once after restarts and resends', async () => {
    const env = { SIGNALBOX_API_KEY: KEY, SIGNALBOX_SNAPSHOT_BYTES: String(400 * 1024) };
    let server = await start(env);
    expect((await post(server.url, '/api/v1/registry/attribute_groups/', group)).status).toBe(200);

    const all = batches.map((_, i) => i);
    const acked = await stream(server, all, 4, 35);
    expect(acked.size).toBeGreaterThanOrEqual(35);
    expect(acked.size).toBeLessThan(batches.length);

    // Restart; resend everything not acknowledged plus a few acknowledged batches; kill again.
    server = await start(env);
    const resend = all.filter((b) => !acked.has(b) || b % 10 === 0);
    const acked2 = await stream(server, resend, 4, 40);
    for (const b of acked2) acked.add(b);

    server = await start(env);
    const rest = all.filter((b) => !acked.has(b) || b % 7 === 0);
    const acked3 = await stream(server, rest, 4);
    for (const b of acked3) acked.add(b);
    expect(acked.size).toBe(batches.length);

    const model = new ReferenceModel([modelGroup]);
    const now = Date.now();
    for (const e of events) model.process(e, now);
    const res = await post(server.url, '/api/v1/get-online-attributes', {
      attributes: group.attributes.map((a) => `crash_v1:${a.name}`),
      attribute_keys: { domain_userid: users },
    });
    expect(res.status).toBe(200);
    const at = Date.now();
    for (const a of modelGroup.attributes) {
      expect(res.body[a.name], a.name).toEqual(users.map((u) => model.read(modelGroup, a, u, at)));
    }
    expect(res.body.views.reduce((x: number, y: number) => x + y, 0)).toBe(events.length);

    // A clean stop snapshots; the next start replays nothing and serves the same values.
    expect(await server.stop()).toBe(0);
    server = await start(env);
    expect(server.output()).toContain('replayed        0 log records on start');
    const again = await post(server.url, '/api/v1/get-online-attributes', { attributes: ['crash_v1:views', 'crash_v1:paths'], attribute_keys: { domain_userid: users } });
    expect(again.body.views).toEqual(res.body.views);
    expect(again.body.paths).toEqual(res.body.paths);
    await server.stop();
  });
});
