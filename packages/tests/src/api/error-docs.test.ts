/** docs/errors.md documents every error code the server can answer with, and nothing that no longer exists. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '@signalbox/server';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(join(import.meta.dirname, '../../../../docs/errors.md'), 'utf8');

describe('docs/errors.md', () => {
  it('lists every code with its status', () => {
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      expect(doc, code).toMatch(new RegExp(`\\| \`${code}\` \\| ${status}\\b`));
    }
  });
  it('lists no code that does not exist', () => {
    const documented = [...doc.matchAll(/`(SIGNALBOX_ERR_[A-Z_]+)`/g)].map((m) => m[1]);
    expect(documented.filter((c) => !(c! in ERROR_CODES))).toEqual([]);
  });
});
