/**
 * The architecture's dependency rules (design §4 "Composition by role", "Core is pure and
 * browser-safe") are enforced by lint, so this suite checks the lint itself: it passes on the tree
 * as it is, and fails on each kind of violation written into real files of the right packages.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const eslint = new ESLint({ cwd: ROOT });
const written: string[] = [];

function writeSource(relative: string, text: string): string {
  const path = join(ROOT, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  written.push(path);
  return path;
}

async function ruleIdsOf(path: string): Promise<string[]> {
  const [result] = await eslint.lintFiles([path]);
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

afterAll(() => {
  for (const path of written) rmSync(path, { force: true });
  rmSync(join(ROOT, 'packages/server/src/lint-fixture'), { recursive: true, force: true });
});

describe('dependency rules', () => {
  it('the tree as it is breaks none of them', async () => {
    const results = await eslint.lintFiles(['packages/*/src/**/*.ts']);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line} ${m.ruleId}: ${m.message}`));
    expect(errors).toEqual([]);
  }, 180_000);

  it('an import cycle fails lint', async () => {
    const a = writeSource('packages/server/src/lint-fixture/a.ts', "import { b } from './b.js';\nexport const a = (): unknown => b;\n");
    writeSource('packages/server/src/lint-fixture/b.ts', "import { a } from './a.js';\nexport const b = (): unknown => a;\n");
    expect(await ruleIdsOf(a)).toContain('import-x/no-cycle');
  }, 60_000);

  it('a route importing the composition root fails lint', async () => {
    const route = writeSource(
      'packages/server/src/http/routes/lint-fixture-route.ts',
      "import type { Signalbox } from '../../signalbox.js';\nexport type Uses = Signalbox;\n",
    );
    expect(await ruleIdsOf(route)).toContain('no-restricted-imports');
  }, 60_000);

  it('the SDK importing core\'s internal entry fails lint', async () => {
    const sdk = writeSource('packages/sdk/src/lint-fixture-internal.ts', "export { applyEvent } from '@signalbox/core/internal';\n");
    expect(await ruleIdsOf(sdk)).toContain('no-restricted-imports');
  }, 60_000);

  it('a node: import in core fails lint', async () => {
    const core = writeSource('packages/core/src/lint-fixture-node.ts', "import { createHash } from 'node:crypto';\nexport const hash = createHash;\n");
    expect(await ruleIdsOf(core)).toContain('no-restricted-imports');
  }, 60_000);
});
