/**
 * `signalbox generate`: write realistic enriched TSV for an e-commerce site (see
 * generator/generate.ts and docs/generator.md), to a file or stdout. Without `--start` the
 * events end now, so windowed attributes and interventions see them; with `--start` the same
 * options give byte-identical output.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { DEFAULT_GENERATOR_OPTIONS, checkGeneratorOptions, generateTsv, startEndingAt } from '../generator/generate.js';

const LINES_PER_WRITE = 500;

function wholeNumber(flag: string) {
  return (text: string): number => {
    if (!/^\d+$/.test(text)) throw new Error(`${flag} must be a whole number, got "${text}"`);
    return Number(text);
  };
}

export function generateCommand(program: Command): void {
  program
    .command('generate')
    .description('write realistic enriched TSV events for an e-commerce site (seeded, reproducible)')
    .option('--events <n>', 'number of events', wholeNumber('--events'), DEFAULT_GENERATOR_OPTIONS.events)
    .option('--users <n>', 'number of distinct visitors', wholeNumber('--users'), DEFAULT_GENERATOR_OPTIONS.users)
    .option('--seed <seed>', 'seed: the same seed gives the same output', String(DEFAULT_GENERATOR_OPTIONS.seed))
    .option('--start <iso>', 'time of the first session, ISO-8601 (default: such that the last event is now)')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (opts: { events: number; users: number; seed: string; start?: string; out?: string }) => {
      const shape = { events: opts.events, users: opts.users, seed: opts.seed };
      const options = checkGeneratorOptions({ ...shape, start: opts.start ?? startEndingAt(checkGeneratorOptions(shape), Date.now()) });
      const out: Writable = opts.out ? createWriteStream(opts.out) : process.stdout;
      // `signalbox generate | head` closes the pipe early; stop quietly.
      let closed = false;
      let failure: Error | undefined;
      out.on('error', (error: NodeJS.ErrnoException) => {
        closed = true;
        if (error.code !== 'EPIPE') failure = error;
      });
      let chunk: string[] = [];
      let written = 0;
      const write = async () => {
        if (chunk.length === 0 || closed) return;
        const ok = out.write(`${chunk.join('\n')}\n`);
        written += chunk.length;
        chunk = [];
        if (!ok) await once(out, 'drain').catch(() => undefined); // an error ends the loop through `closed`
      };
      for (const line of generateTsv(options)) {
        if (closed) break;
        chunk.push(line);
        if (chunk.length >= LINES_PER_WRITE) await write();
      }
      await write();
      if (failure) throw failure;
      if (opts.out) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`wrote ${written} events for ${options.users} users (seed ${options.seed}) to ${opts.out}\n`);
      }
    });
}
