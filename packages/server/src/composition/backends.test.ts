/**
 * `--profiles`, `--source`, `--registry`, `--warehouse` and `--role` parsed into typed backends,
 * and every option this version cannot honour named in one error (design §4 "Composition by role").
 */
import { describe, expect, it } from 'vitest';
import type { SignalboxConfig } from '../config.js';
import { DEFAULT_CONFIG } from '../signalbox.js';
import { parseBackends } from './backends.js';

const config = (overrides: Partial<SignalboxConfig>): SignalboxConfig => ({ ...DEFAULT_CONFIG, ...overrides });

describe('parseBackends', () => {
  it('the defaults are the embedded rooms in one process', () => {
    expect(parseBackends(DEFAULT_CONFIG)).toEqual({
      profiles: { kind: 'memory' }, source: { kind: 'embedded' }, registry: { kind: 'file' }, warehouse: { kind: 'duckdb' }, role: 'all',
    });
  });

  it('a PostgreSQL warehouse keeps its URL', () => {
    expect(parseBackends(config({ warehouse: 'postgresql://sb@127.0.0.1:5432/test' })).warehouse).toEqual({ kind: 'postgres', url: 'postgresql://sb@127.0.0.1:5432/test' });
  });

  it('names every option it cannot honour in one error', () => {
    const bad = config({ profiles: 'redis://127.0.0.1:6379', source: 'nats://127.0.0.1:4222', registry: 'postgres://x/y', warehouse: 'snowflake://acct', role: 'api' });
    expect(() => parseBackends(bad)).toThrow(
      'unsupported options: --profiles redis://127.0.0.1:6379 (only "memory" is available in this version); ' +
        '--source nats://127.0.0.1:4222 (only "embedded" is available in this version); ' +
        '--registry postgres://x/y (only "file" is available in this version); ' +
        '--warehouse snowflake://acct (use "duckdb" or a postgres:// URL); ' +
        '--role api (an API process and an engine process must share the Profiles Store, the event source and the registry, and the embedded ones cannot be shared; use --role all)',
    );
  });

  it('a role that does not exist is named with the ones that do', () => {
    expect(() => parseBackends(config({ role: 'worker' as SignalboxConfig['role'] }))).toThrow('--role worker (use all, api or engine)');
  });
});
