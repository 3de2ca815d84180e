// Lint: typescript-eslint's recommended rules plus the typed rules that catch real bugs here
// (floating and misused promises), and the architecture's dependency rules (design §4):
// no import cycles, core free of Node.js, routes never reaching for the composition root.
// Formatting is prettier's job, not lint's.
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['packages/*/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      // Dependencies are parsed as TypeScript too, so a cycle is seen through every file.
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['packages/core/tsconfig.json', 'packages/server/tsconfig.json', 'packages/sdk/tsconfig.json', 'packages/tests/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Value-import cycles (type-only ones are left to the narrower rules below).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Core runs in browsers (the SDK, the console): no Node.js built-ins.
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'core is browser-safe: no Node.js built-ins (design §4).' }] }],
    },
  },
  {
    // The SDK builds on core's public entry only; `@signalbox/core/internal` may change in any
    // release (design §4, conventions "Layout").
    files: ['packages/sdk/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@signalbox/core/internal'], message: 'the SDK uses @signalbox/core, never its internal entry (design §4).' }] }],
    },
  },
  {
    // Routes receive the narrow services they use (design §4 "Composition by role").
    files: ['packages/server/src/http/routes/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/signalbox.js', '**/signalbox'], message: 'routes get the services they use as plugin options, never the composition root.' }] }],
    },
  },
);
