/**
 * The `signalbox` command as a user runs it: start, the generated key, persistence, replay, bad
 * options, --version and --help, the start banner, replay's errors and progress, generate's times.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseEnrichedTsv } from '@signalbox/core';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
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
    // The data dir keeps only the key's hash (registry.json, `api_keys`): the banner is the one place it is shown.
    expect(existsSync(join(dataDir, 'api-key'))).toBe(false);
    expect(readFileSync(join(dataDir, 'registry.json'), 'utf8')).not.toContain(key);
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
    const keyless = await run(process.execPath, [CLI, 'replay', file, '--url', server.url, '--data-dir', dataDir], { env: { ...process.env, ...env } }).catch((e: any) => e);
    expect(keyless.stderr).toContain('no API key: pass --api-key or set SIGNALBOX_API_KEY');
    const replay = await run(process.execPath, [CLI, 'replay', file, '--url', server.url], { env: { ...process.env, SIGNALBOX_API_KEY: key } }).catch((e: any) => e);
    expect(replay.code).toBe(2); // a line was rejected
    expect(replay.stdout).toContain('replayed 3 lines: 2 accepted (2 processed, 0 duplicates), 1 rejected in ');
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

  it('a data dir from before the key moved into the registry keeps its api-key file\'s key', async () => {
    const old = join(dataDir, 'older');
    mkdirSync(old);
    writeFileSync(join(old, 'api-key'), 'sbx_kept_from_an_older_version\n', { mode: 0o600 });
    const env = { SIGNALBOX_API_KEY: '' };
    for (let start = 0; start < 2; start++) {
      const server = await startServerProcess(['--data-dir', old], env);
      try {
        expect(server.output()).toContain('API key         from the data dir');
        expect((await call(server.url, 'sbx_kept_from_an_older_version', 'GET', '/api/v1/registry/services/')).status).toBe(200);
        expect((await call(server.url, 'sbx_some_other_key', 'GET', '/api/v1/registry/services/')).status).toBe(401);
      } finally {
        await server.stop();
      }
    }
    // `replay --data-dir` still finds the key of such a data dir.
    const file = join(old, 'one.tsv');
    writeFileSync(file, `${enrichedTsv({ time: Date.now(), domain_userid: '0d3c0e2a-1111-4222-8333-444455556666' })}\n`);
    const server = await startServerProcess(['--data-dir', old], env);
    try {
      const replay = await run(process.execPath, [CLI, 'replay', file, '--url', server.url, '--data-dir', old], { env: { ...process.env, ...env } });
      expect(replay.stdout).toContain('1 accepted (1 processed, 0 duplicates)');
    } finally {
      await server.stop();
    }
  });

  it('refuses options naming backends this version does not have, and bad ports', async () => {
    const redis = await run(process.execPath, [CLI, 'start', '--data-dir', dataDir, '--profiles', 'redis://127.0.0.1:6379']).catch((e: any) => e);
    expect(redis.code).toBe(1);
    expect(redis.stderr).toContain('unsupported options: --profiles redis://127.0.0.1:6379 (only "memory" is available in this version)');
    const port = await run(process.execPath, [CLI, 'start', '--data-dir', dataDir, '--port', 'eighty']).catch((e: any) => e);
    expect(port.stderr).toContain('--port must be a port number, got "eighty"');
  });
});

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Run `signalbox …` in a pseudo-terminal (util-linux `script`), as a user at a terminal sees it, until `until` appears. */
async function inTerminal(args: string[], until: RegExp, env: Record<string, string>): Promise<string> {
  const command = ['exec', process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => until.test(out) && (clearInterval(timer), resolve()), 20);
      void exited.then(() => (clearInterval(timer), until.test(out) ? resolve() : reject(new Error(`exited before ${until}:\n${out}`))));
    });
  } finally {
    child.kill('SIGTERM'); // the pty closes and the command gets SIGHUP
    await exited;
  }
  return out.replace(/\r/g, '');
}

/** The lines of TSV output (a line may end in empty fields, so no trimming). */
const tsvLines = (text: string) => text.split('\n').filter((line) => line !== '');

const serverDir = join(dirname(CLI), '..', '..');
const { version } = JSON.parse(readFileSync(join(serverDir, 'package.json'), 'utf8')) as { version: string };

describe('signalbox --version and --help', () => {
  it('prints the package version', async () => {
    const { stdout } = await run(process.execPath, [CLI, '--version']);
    expect(stdout).toBe(`${version}\n`);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('lists the commands, and start offers only what this version has', async () => {
    const top = await run(process.execPath, [CLI, '--help']);
    for (const text of ['start [options]', 'replay [options] <file>', 'generate [options]', '--version']) expect(top.stdout).toContain(text);
    const start = (await run(process.execPath, [CLI, 'start', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(start).not.toMatch(/api or engine|api\|engine/);
    expect(start).toContain('--role <value> process role: all (API and engine in one process); api and engine need backends shared between processes, which this version does not have');
    expect(start).toContain('--log-level <value> log level: trace, debug, info, warn, error, fatal, silent');
    expect(start).toContain('--profiles <value> Profiles Store: memory');
  });

  it('the bin npm links is a committed launcher that runs the built command, or says how to build it', async () => {
    const pkg = JSON.parse(readFileSync(join(serverDir, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const launcher = join(serverDir, pkg.bin['signalbox']!);
    expect(launcher).not.toContain('dist'); // npm links bins before `prepare` builds dist/
    expect((await run(process.execPath, [launcher, '--version'])).stdout).toBe(`${version}\n`);
    const unbuilt = join(dataDir, 'unbuilt', 'bin');
    mkdirSync(unbuilt, { recursive: true });
    copyFileSync(launcher, join(unbuilt, 'signalbox.js'));
    const failed = await run(process.execPath, [join(unbuilt, 'signalbox.js'), '--help']).catch((e: any) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('run `npm run build`');
  });

  it('answers a bad --log-level with the valid levels, before starting anything', async () => {
    const bad = await run(process.execPath, [CLI, 'start', '--data-dir', join(dataDir, 'never'), '--log-level', 'loud']).catch((e: any) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('signalbox: --log-level must be one of trace, debug, info, warn, error, fatal, silent; got "loud"\n');
    const fromEnv = await run(process.execPath, [CLI, 'start', '--data-dir', join(dataDir, 'never')], { env: { ...process.env, SIGNALBOX_LOG_LEVEL: 'verbose' } }).catch((e: any) => e);
    expect(fromEnv.stderr).toContain('got "verbose"');
    expect(existsSync(join(dataDir, 'never'))).toBe(false);
  });
});

describe('signalbox start banner', () => {
  it('prints the banner in one piece, log lines after it, on a terminal as in a pipe', async () => {
    const terminal = await inTerminal(['start', '--port', '0', '--data-dir', join(dataDir, 'banner'), '--log-level', 'info'], /Server listening/, { SIGNALBOX_API_KEY: 'banner-key-0123456789' });
    const lines = terminal.split('\n').filter((l) => l.trim() !== '');
    expect(lines[0], terminal).toMatch(/^Signalbox is running at http:\/\//);
    expect(lines.slice(1, 8).map((l) => l.trim().split(/\s{2,}/)[0]), terminal).toEqual(['Signals API', 'events in', 'API docs', 'health', 'data dir', 'replayed', 'API key']);
    expect(lines[8], terminal).toContain('"msg":"Server listening at');

    const piped = await startServerProcess(['--data-dir', join(dataDir, 'banner')], { SIGNALBOX_LOG_LEVEL: 'info', SIGNALBOX_API_KEY: 'banner-key-0123456789' });
    try {
      await expect.poll(() => piped.output()).toContain('Server listening');
      expect(piped.output().split('\n')[0]).toMatch(/^Signalbox is running at/);
    } finally {
      await piped.stop();
    }
  });
});

describe('signalbox replay without a server, and a long file', () => {
  it('names the URL it tried, says connection refused and how to point elsewhere', async () => {
    const port = await closedPort();
    const file = join(dataDir, 'one.tsv');
    writeFileSync(file, `${enrichedTsv({ time: Date.now(), domain_userid: '0d3c0e2a-1111-4222-8333-444455556666' })}\n`);
    const failed = await run(process.execPath, [CLI, 'replay', file, '--url', `http://127.0.0.1:${port}`, '--api-key', 'k']).catch((e: any) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`cannot reach Signalbox at http://127.0.0.1:${port}/api/v1/events: connection refused.`);
    expect(failed.stderr).toContain('--url URL or the SIGNALBOX_URL environment variable');
    const fromEnv = await run(process.execPath, [CLI, 'replay', file, '--api-key', 'k'], { env: { ...process.env, SIGNALBOX_URL: `http://localhost:${port}` } }).catch((e: any) => e);
    expect(fromEnv.stderr).toContain(`cannot reach Signalbox at http://localhost:${port}/api/v1/events: connection refused.`);
  });

  it('shows progress on stderr while a generated file of thousands of lines is sent, then a summary', async () => {
    const dir = join(dataDir, 'long');
    const server = await startServerProcess(['--data-dir', dir], { SIGNALBOX_API_KEY: 'long-key-0123456789' });
    onTestFinished(() => server.stop().then(() => undefined));
    const file = join(dataDir, 'long.tsv');
    const generated = await run(process.execPath, [CLI, 'generate', '--events', '6000', '--users', '80', '--seed', 'progress', '--out', file]);
    expect(generated.stderr).toBe(`wrote 6000 events for 80 users (seed progress) to ${file}\n`);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(3000, 0, 'not an event');
    writeFileSync(file, lines.join('\n'));
    const replay = await run(process.execPath, [CLI, 'replay', file, '--url', server.url, '--api-key', 'long-key-0123456789', '--batch-size', '500']).catch((e: any) => e);
    expect(replay.code).toBe(2);
    const progress = (replay.stderr as string).split('\n').filter((l) => l.startsWith('replay: '));
    expect(progress.length, replay.stderr).toBeGreaterThanOrEqual(5);
    for (const line of progress) expect(line).toMatch(/^replay: \d+% of the file, \d+ lines sent, \d+ accepted, [01] rejected, \d+ lines\/s$/);
    expect(progress.at(-1)).toMatch(/^replay: 100% of the file, 6001 lines sent, 6000 accepted, 1 rejected, /);
    expect(replay.stderr).toContain('line 3001: expected 131 tab-separated fields, got 1');
    expect(replay.stdout).toMatch(/^replayed 6001 lines: 6000 accepted \(6000 processed, 0 duplicates\), 1 rejected in \d+\.\d s \(\d+ lines\/s\)\n$/);
  });
});

describe('signalbox generate', () => {
  it('by default ends about now, so windowed attributes see the events; an explicit --start is reproducible', async () => {
    const before = Date.now();
    const { stdout } = await run(process.execPath, [CLI, 'generate', '--events', '300', '--users', '20'], { maxBuffer: 64 * 1024 * 1024 });
    const after = Date.now();
    const events = tsvLines(stdout).map((line) => parseEnrichedTsv(line));
    expect(events).toHaveLength(300);
    const etl = events.map((e) => Date.parse(String(e['etl_tstamp'])));
    const last = Math.max(...etl);
    expect(last).toBeGreaterThanOrEqual(before);
    expect(last).toBeLessThanOrEqual(after);
    for (const e of events) expect(Date.parse(String(e['collector_tstamp']))).toBeLessThanOrEqual(after);

    const start = '2026-03-01T09:00:00.000Z';
    const a = await run(process.execPath, [CLI, 'generate', '--events', '300', '--users', '20', '--start', start]);
    const b = await run(process.execPath, [CLI, 'generate', '--events', '300', '--users', '20', '--start', start]);
    expect(a.stdout).toBe(b.stdout);
    const first = parseEnrichedTsv(a.stdout.split('\n')[0]!);
    expect(Date.parse(String(first['collector_tstamp']))).toBeGreaterThanOrEqual(Date.parse(start));
    // The default moves the same sessions in time: same events, other timestamps.
    expect(events.map((e) => e['event_id'])).toEqual(tsvLines(a.stdout).map((l) => parseEnrichedTsv(l)['event_id']));
  });
});
