/**
 * `signalbox replay FILE`: stream an enriched TSV file to a running Signalbox through
 * `POST /api/v1/events`, in batches, and report what was accepted and rejected.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';

interface EventsResponse {
  accepted: number;
  processed: number;
  duplicates: number;
  rejected: number;
  errors: Array<{ line?: number; reason: string }>;
}

export function replayCommand(program: Command): void {
  program
    .command('replay')
    .description('send an enriched TSV file to a running Signalbox (same path as POST /api/v1/events)')
    .argument('<file>', 'enriched TSV, one event per line')
    .option('--url <url>', 'Signalbox URL [env SIGNALBOX_URL]', process.env['SIGNALBOX_URL'] ?? 'http://127.0.0.1:8080')
    .option('--api-key <key>', 'API key [env SIGNALBOX_API_KEY, else the data dir\'s]')
    .option('--data-dir <dir>', 'data dir to read the API key from', process.env['SIGNALBOX_DATA_DIR'] ?? './.signalbox')
    .option('--batch-size <n>', 'lines per request', '2000')
    .action(async (file: string, opts: { url: string; apiKey?: string; dataDir: string; batchSize: string }) => {
      const keyFile = join(opts.dataDir, 'api-key');
      const apiKey = opts.apiKey ?? process.env['SIGNALBOX_API_KEY'] ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
      if (!apiKey) throw new Error('no API key: pass --api-key, set SIGNALBOX_API_KEY, or point --data-dir at the server\'s data dir');
      if (!existsSync(file)) throw new Error(`no such file: ${file}`);
      const batchSize = Number(opts.batchSize);
      const totals = { lines: 0, accepted: 0, processed: 0, duplicates: 0, rejected: 0 };
      let batch: string[] = [];
      let firstLine = 1;
      const send = async () => {
        if (batch.length === 0) return;
        const response = await fetch(`${opts.url.replace(/\/+$/, '')}/api/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'text/tab-separated-values', authorization: `Bearer ${apiKey}` },
          body: batch.join('\n'),
        });
        const body = (await response.json()) as EventsResponse & { error?: string };
        if (response.status === 400 && body.error) {
          totals.rejected += batch.length;
          process.stderr.write(`lines ${firstLine}-${firstLine + batch.length - 1}: ${body.error}\n`);
        } else if (!response.ok) {
          throw new Error(`server answered ${response.status}: ${JSON.stringify(body)}`);
        } else {
          totals.accepted += body.accepted;
          totals.processed += body.processed;
          totals.duplicates += body.duplicates;
          totals.rejected += body.rejected;
          for (const e of body.errors) process.stderr.write(`line ${firstLine - 1 + (e.line ?? 0)}: ${e.reason}\n`);
        }
        firstLine += batch.length;
        batch = [];
      };
      for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
        totals.lines++;
        batch.push(line);
        if (batch.length >= batchSize) await send();
      }
      await send();
      process.stdout.write(
        `replayed ${totals.lines} lines: ${totals.accepted} accepted (${totals.processed} processed, ${totals.duplicates} duplicates), ${totals.rejected} rejected\n`,
      );
      if (totals.rejected > 0) process.exitCode = 2;
    });
}
