/**
 * `signalbox start`: options from flags, else environment variables, else defaults (design §2).
 * Prints the start banner before any log line (held-output.ts).
 */
import { durationSeconds } from '@signalbox/core';
import type { Command } from 'commander';
import { pino } from 'pino';
import { LOG_LEVELS, OPTIONS, type SignalboxConfig } from '../config.js';
import { startSignalbox } from '../signalbox.js';
import { heldOutput } from './held-output.js';

export function startCommand(program: Command): void {
  const cmd = program.command('start').description('start the engine: API, stream engine and Profiles Store on one port');
  for (const o of OPTIONS) cmd.option(`--${o.flag} <value>`, `${o.help} [env ${o.env}${o.default ? `, default ${o.default}` : ''}]`);
  cmd.action(async (flags: Record<string, string | undefined>) => {
    const value = (flag: string): string | undefined => {
      const o = OPTIONS.find((x) => x.flag === flag)!;
      const camel = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      return flags[camel] ?? process.env[o.env] ?? o.default;
    };
    const port = Number(value('port'));
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${value('port')}"`);
    const config: Partial<SignalboxConfig> = {
      host: value('host')!,
      port,
      dataDir: value('data-dir')!,
      apiKey: value('api-key'),
      profiles: value('profiles')!,
      source: value('source')!,
      warehouse: value('warehouse')!,
      registry: value('registry')!,
      role: value('role') as SignalboxConfig['role'],
      defaultTtlSeconds: durationSeconds(value('default-ttl')!),
      logLevel: value('log-level')!,
      segmentBytes: Number(value('snapshot-every')),
    };
    if (!(config.segmentBytes! > 0)) throw new Error(`--snapshot-every must be a positive number of bytes, got "${value('snapshot-every')}"`);
    if (!(LOG_LEVELS as readonly string[]).includes(config.logLevel!)) {
      throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}; got "${config.logLevel}"`);
    }
    const logOutput = heldOutput(process.stdout);
    const logger = pino({ level: config.logLevel! }, logOutput);
    const running = await startSignalbox(config, { logger }).catch((error: unknown) => {
      logOutput.release(); // what was logged on the way to the failure explains it
      throw error;
    });
    const { signalbox, url } = running;
    const lines = [
      `Signalbox is running at ${url}`,
      `  Signals API     ${url}/api/v1`,
      `  events in       POST ${url}/api/v1/events`,
      `  API docs        ${url}/docs  (OpenAPI: ${url}/openapi.json)`,
      `  health          ${url}/health-all    metrics ${url}/metrics`,
      `  data dir        ${signalbox.config.dataDir}`,
      `  replayed        ${signalbox.replayedRecords} log records on start`,
      signalbox.apiKey.generated
        ? `  API key         ${signalbox.apiKey.generated}  (generated now and shown only once: the data dir keeps only its hash)`
        : `  API key         from ${signalbox.apiKey.source === 'configured' ? 'the --api-key option / SIGNALBOX_API_KEY' : 'the data dir'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    logOutput.release();
    const stop = (signal: string) => {
      process.stdout.write(`received ${signal}, stopping\n`);
      running.close().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`error while stopping: ${String(error)}\n`);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
