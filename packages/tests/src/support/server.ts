/**
 * Test support: start a real Signalbox on a fresh data dir (each test its own), talk to it with
 * `inject` or over a socket, and clean up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSignalbox, type SignalboxConfig, startSignalbox } from '@signalbox/server';
import { pino } from 'pino';

export const TEST_API_KEY = 'test-key-0123456789';

export interface TestServer extends RunningSignalbox {
  dataDir: string;
  /** JSON request through `app.inject`, authorised unless `auth: false`. */
  call(method: string, url: string, body?: unknown, options?: { auth?: boolean | string; contentType?: string }): Promise<{ status: number; body: any; text: string }>;
  /** Close and delete the data dir. */
  destroy(): Promise<void>;
}

export function tempDataDir(prefix = 'signalbox-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestServer(
  config: Partial<SignalboxConfig> = {},
  options: { clock?: () => number; listen?: boolean; dataDir?: string } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const running = await startSignalbox(
    { apiKey: TEST_API_KEY, port: 0, dataDir, ...config },
    { logger: pino({ level: 'silent' }), listen: options.listen ?? false, ...(options.clock ? { clock: options.clock } : {}) },
  );
  return {
    ...running,
    dataDir,
    async call(method, url, body, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.auth !== false) headers['authorization'] = `Bearer ${typeof opts.auth === 'string' ? opts.auth : TEST_API_KEY}`;
      let payload: string | undefined;
      if (body !== undefined) {
        headers['content-type'] = opts.contentType ?? 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const res = await running.app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
      let parsed: unknown;
      try {
        parsed = JSON.parse(res.body);
      } catch {
        parsed = undefined;
      }
      return { status: res.statusCode, body: parsed, text: res.body };
    },
    async destroy() {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
