/**
 * `signalbox replay FILE`: stream an enriched TSV file to a running Signalbox through
 * `POST /api/v1/events`, in batches, showing progress (replay-progress.ts) and ending with a
 * summary of what was accepted and rejected. A server that does not answer gets a message
 * naming the URL tried and how to point replay elsewhere.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { type ReplayTotals, linesPerSecond, replayProgress } from './replay-progress.js';

interface EventsResponse {
  accepted: number;
  processed: number;
  duplicates: number;
  rejected: number;
  errors: Array<{ line?: number; reason: string }>;
}

const DEFAULT_URL = 'http://127.0.0.1:8080';

/** What a failed `fetch` says, in words: "connection refused" rather than "fetch failed". */
function networkProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: string; errors?: Array<{ code?: string }>; message?: string } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'no such host';
  if (code) return code;
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

async function postBatch(endpoint: string, apiKey: string, lines: string[], sentBefore: number): Promise<{ status: number; body: EventsResponse & { error?: string } }> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'text/tab-separated-values', authorization: `Bearer ${apiKey}` },
      body: lines.join('\n'),
    });
  } catch (error) {
    const after = sentBefore > 0 ? ` after ${sentBefore} lines were sent` : '';
    throw new Error(
      `cannot reach Signalbox at ${endpoint}: ${networkProblem(error)}${after}. ` +
        `Is it running (\`signalbox start\`)? Point replay at another server with --url URL or the SIGNALBOX_URL environment variable.`,
    );
  }
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as EventsResponse & { error?: string } };
  } catch {
    throw new Error(`${endpoint} answered ${response.status} with something that is not JSON: ${text.slice(0, 200)}`);
  }
}

export function replayCommand(program: Command): void {
  program
    .command('replay')
    .description('send an enriched TSV file to a running Signalbox (same path as POST /api/v1/events)')
    .argument('<file>', 'enriched TSV, one event per line')
    .option('--url <url>', 'Signalbox URL [env SIGNALBOX_URL]', process.env['SIGNALBOX_URL'] || DEFAULT_URL)
    .option('--api-key <key>', 'API key [env SIGNALBOX_API_KEY]')
    // Data dirs of versions before the registry store kept the key itself in an api-key file.
    .option('--data-dir <dir>', 'data dir whose api-key file holds the key (older data dirs)', process.env['SIGNALBOX_DATA_DIR'] ?? './.signalbox')
    .option('--batch-size <n>', 'lines per request', '2000')
    .action(async (file: string, opts: { url: string; apiKey?: string; dataDir: string; batchSize: string }) => {
      const keyFile = join(opts.dataDir, 'api-key');
      const apiKey = opts.apiKey || process.env['SIGNALBOX_API_KEY'] || (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
      if (!apiKey) throw new Error('no API key: pass --api-key or set SIGNALBOX_API_KEY (the key the server printed when it generated it; the data dir keeps only its hash)');
      if (!existsSync(file)) throw new Error(`no such file: ${file}`);
      const batchSize = Number(opts.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`--batch-size must be a whole number ≥ 1, got "${opts.batchSize}"`);
      const endpoint = `${opts.url.replace(/\/+$/, '')}/api/v1/events`;
      const startedAt = Date.now();
      const progress = replayProgress(statSync(file).size);
      const totals: ReplayTotals = { lines: 0, accepted: 0, processed: 0, duplicates: 0, rejected: 0 };
      let batch: string[] = [];
      let bytesRead = 0;
      let firstLine = 1;
      const send = async () => {
        // The route answers 400 to an empty body: a batch of blank lines is not sent.
        if (batch.some((line) => line.trim() !== '')) {
          const { status, body } = await postBatch(endpoint, apiKey, batch, totals.lines - batch.length);
          if (status === 400 && body.error) {
            totals.rejected += batch.length;
            progress.warn(`lines ${firstLine}-${firstLine + batch.length - 1}: ${body.error}`);
          } else if (status !== 200) {
            throw new Error(`${endpoint} answered ${status}: ${JSON.stringify(body)}`);
          } else {
            totals.accepted += body.accepted;
            totals.processed += body.processed;
            totals.duplicates += body.duplicates;
            totals.rejected += body.rejected;
            for (const e of body.errors) progress.warn(`line ${firstLine - 1 + (e.line ?? 0)}: ${e.reason}`);
          }
        }
        firstLine += batch.length;
        batch = [];
        progress.update(bytesRead, totals);
      };
      try {
        for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
          totals.lines++;
          bytesRead += Buffer.byteLength(line) + 1;
          batch.push(line);
          if (batch.length >= batchSize) await send();
        }
        await send();
      } finally {
        progress.stop();
      }
      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      process.stdout.write(
        `replayed ${totals.lines} lines: ${totals.accepted} accepted (${totals.processed} processed, ${totals.duplicates} duplicates), ${totals.rejected} rejected` +
          ` in ${seconds} s (${linesPerSecond(totals.lines, startedAt, Date.now())} lines/s)\n`,
      );
      if (totals.rejected > 0) process.exitCode = 2;
    });
}
