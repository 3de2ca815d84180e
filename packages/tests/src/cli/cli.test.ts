/** The `signalbox` command as a user runs it: start, the generated key, persistence, replay, bad options. */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { enrichedTsv } from '../support/events.js';
import { CLI, startServerProcess } from '../support/process.js';
import { tempDataDir } from '../support/server.js';

const run = promisify(execFile);
const dataDir = tempDataDir('signalbox-cli-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function call(url: string, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('signalbox start and replay', () => {
  it('generates a key once, keeps definitions and values across restarts, and replays TSV files', async () => {
    const env = { SIGNALBOX_API_KEY: '' };
    let server = await startServerProcess(['--data-dir', dataDir], env);
    const printed = /API key\s+(\S+)\s+\(generated now/.exec(server.output());
    expect(printed, server.output()).not.toBeNull();
    const key = printed![1]!;
    expect(readFileSync(join(dataDir, 'api-key'), 'utf8').trim()).toBe(key);
    for (const line of ['Signals API', 'events in', 'API docs', 'health', 'data dir']) expect(server.output()).toContain(line);

    const group = {
      name: 'visits', version: 1, attribute_key: { name: 'domain_userid' }, is_published: true,
      attributes: [{ name: 'views', type: 'int32', aggregation: 'counter', events: [{ name: 'page_view' }] }],
    };
    expect((await call(server.url, key, 'POST', '/api/v1/registry/attribute_groups/', group)).status).toBe(200);

    const user = '0d3c0e2a-1111-4222-8333-444455556666';
    const file = join(dataDir, 'events.tsv');
    const now = Date.now();
    writeFileSync(file, [enrichedTsv({ time: now - 2000, domain_userid: user }), 'broken line', enrichedTsv({ time: now - 1000, domain_userid: user }), ''].join('\n'));
    const replay = await run(process.execPath, [CLI, 'replay', file, '--url', server.url, '--data-dir', dataDir]).catch((e: any) => e);
    expect(replay.code).toBe(2); // a line was rejected
    expect(replay.stdout).toContain('replayed 3 lines: 2 accepted (2 processed, 0 duplicates), 1 rejected');
    expect(replay.stderr).toContain('line 2: expected 131 tab-separated fields, got 1');

    await server.stop();
    server = await startServerProcess(['--data-dir', dataDir], env);
    expect(server.output()).toContain('API key         from the data dir');
    expect((await call(server.url, key, 'GET', '/api/v1/registry/attribute_groups/visits')).body.version).toBe(1);
    const read = await call(server.url, key, 'POST', '/api/v1/get-online-attributes', { attributes: ['visits_v1:views'], attribute_keys: { domain_userid: [user] } });
    expect(read.body).toEqual({ domain_userid: [user], views: [2] });
    // Replaying the same file again changes nothing: every event is a duplicate.
    const again = await run(process.execPath, [CLI, 'replay', file, '--url', server.url, '--api-key', key]).catch((e: any) => e);
    expect(again.stdout).toContain('2 accepted (0 processed, 2 duplicates)');
    await server.stop();
  });

  it('refuses options naming backends this version does not have, and bad ports', async () => {
    const redis = await run(process.execPath, [CLI, 'start', '--data-dir', dataDir, '--profiles', 'redis://127.0.0.1:6379']).catch((e: any) => e);
    expect(redis.code).toBe(1);
    expect(redis.stderr).toContain('unsupported options: --profiles redis://127.0.0.1:6379 (only "memory" is available in this version)');
    const port = await run(process.execPath, [CLI, 'start', '--data-dir', dataDir, '--port', 'eighty']).catch((e: any) => e);
    expect(port.stderr).toContain('--port must be a port number, got "eighty"');
  });
});
