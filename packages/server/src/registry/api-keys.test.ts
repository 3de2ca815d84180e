/**
 * Where the admin key comes from and what is kept of it (design §4 "Registry store"): what a
 * user checks is that the configured key wins, a generated key keeps working after a restart,
 * an old data dir's key keeps working, and the data dir does not give the key away.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyMatches } from '../http/api-key.js';
import { resolveApiKey } from './api-keys.js';
import { FileRegistryStore } from './file-registry-store.js';

describe('the admin API key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'signalbox-api-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Resolve the key as a start does: open the store, resolve, close. */
  const start = async (configured?: string) => {
    const store = await FileRegistryStore.open(dir);
    try {
      return await resolveApiKey(store, dir, configured);
    } finally {
      await store.close();
    }
  };

  it('generates an sbx_ key once, which the next start accepts without generating another', async () => {
    const first = await start();
    expect(first.source).toBe('generated');
    expect(first.generated).toMatch(/^sbx_[A-Za-z0-9_-]{32}$/);
    expect(keyMatches(first.generated!, first.sha256)).toBe(true);

    const again = await start();
    expect(again.source).toBe('stored');
    expect(again.generated).toBeUndefined();
    expect(keyMatches(first.generated!, again.sha256)).toBe(true);
    expect(keyMatches(`${first.generated!}x`, again.sha256)).toBe(false);
    expect(keyMatches('', again.sha256)).toBe(false);
  });

  it('keeps only a hash: the key appears in no file of the data dir', async () => {
    const { generated } = await start();
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file), 'utf8')).not.toContain(generated!);
    expect(readdirSync(dir)).toEqual(['registry.json']);
  });

  it('a configured key wins over the stored one, and stores nothing', async () => {
    const configured = await start('my-own-key-0123');
    expect(configured.source).toBe('configured');
    expect(keyMatches('my-own-key-0123', configured.sha256)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    const { generated } = await start();
    const withOption = await start('my-own-key-0123');
    expect(keyMatches(generated!, withOption.sha256)).toBe(false);
    expect(keyMatches('my-own-key-0123', withOption.sha256)).toBe(true);
  });

  it('imports the key of a data dir that kept it in an api-key file, once', async () => {
    writeFileSync(join(dir, 'api-key'), 'sbx_from_an_older_version\n');
    const imported = await start();
    expect(imported).toMatchObject({ source: 'stored' });
    expect(imported.generated).toBeUndefined();
    expect(keyMatches('sbx_from_an_older_version', imported.sha256)).toBe(true);
    // The stored hash is what counts from now on: changing the old file changes nothing.
    writeFileSync(join(dir, 'api-key'), 'sbx_edited_later\n');
    const later = await start();
    expect(keyMatches('sbx_from_an_older_version', later.sha256)).toBe(true);
    expect(keyMatches('sbx_edited_later', later.sha256)).toBe(false);
  });
});
