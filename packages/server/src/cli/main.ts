#!/usr/bin/env node
/**
 * The `signalbox` command: `start` runs the engine, `replay FILE` feeds enriched TSV to a
 * running one through `POST /api/v1/events`, `generate` writes demo events.
 */
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { startCommand } from './start.js';
import { replayCommand } from './replay.js';
import { generateCommand } from './generate.js';

// The version lives in one place, the package's package.json (../../ from src/cli and dist/cli).
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const program = new Command('signalbox')
  .description('Signalbox: real-time personalization for Snowplow behavioural data')
  .version(version, '-V, --version', 'print the version of Signalbox');
startCommand(program);
replayCommand(program);
generateCommand(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`signalbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
