#!/usr/bin/env node
/**
 * The `signalbox` command: `start` runs the engine, `replay FILE` feeds enriched TSV to a
 * running one through `POST /api/v1/events`.
 */
import { Command } from 'commander';
import { startCommand } from './start.js';
import { replayCommand } from './replay.js';
import { generateCommand } from './generate.js';

const program = new Command('signalbox').description('Signalbox: real-time personalization for Snowplow behavioural data');
startCommand(program);
replayCommand(program);
generateCommand(program);
program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`signalbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
