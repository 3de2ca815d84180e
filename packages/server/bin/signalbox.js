#!/usr/bin/env node
// The `signalbox` command's launcher. npm links bins at install time, before `prepare` has
// built dist/, so the bin must be a file that is committed and always there: this one. It runs
// the built CLI, and says how to build it when it is not built yet.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('signalbox: the command is not built yet (no dist/cli/main.js); run `npm run build` in the repository first\n');
  process.exit(1);
}
await import(cli.href);
