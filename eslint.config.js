// Lint = correctness basics + the layering rules from ARCHITECTURE.md, enforced per folder:
//  - renderer/ imports only the contract's TYPES (preload/api.ts), never main/, workers/ or Node;
//  - workers/ import nothing from main/ (they receive work and return results);
//  - only main/app/ and preload/ import electron; only workers/onnx/ imports onnxruntime-node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const electronOnlyInShell = { name: 'electron', message: 'Only main/app/ and preload/ may import electron (the core must run without it).' };
const ortOnlyInWorkersOnnx = { name: 'onnxruntime-node', message: 'Only workers/onnx/ may import onnxruntime-node.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'coverage/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description', 'ts-ignore': true, 'ts-nocheck': true }],
      'no-restricted-imports': ['error', { paths: [electronOnlyInShell, ortOnlyInWorkersOnnx] }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.mjs', 'resources/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly' } },
  },
  {
    files: ['main/app/**', 'preload/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [ortOnlyInWorkersOnnx] }] },
  },
  {
    files: ['workers/onnx/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnlyInShell] }] },
  },
  {
    files: ['workers/**'],
    ignores: ['workers/onnx/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnlyInShell, ortOnlyInWorkersOnnx, { name: 'better-sqlite3', message: 'workers/ never touch the database.' }],
        patterns: [{ group: ['**/main/**', '../main/*', '../../main/*'], message: 'workers/ import nothing from main/.' }],
      }],
    },
  },
  {
    // One writer per table: only main/pipeline/ reaches the ledger modules; everything else goes
    // through the engine (writes) or main/pipeline/ledger-api.ts (reads, batch admin).
    files: ['main/**'],
    ignores: ['main/pipeline/**', 'main/app/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnlyInShell, ortOnlyInWorkersOnnx],
        patterns: [{ group: ['**/pipeline/ledger/*', '**/pipeline/ledger/**'], message: 'Only main/pipeline/ may import pipeline/ledger/*: use the engine (writes) or pipeline/ledger-api.ts (reads).' }],
      }],
    },
  },
  {
    files: ['renderer/**'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnlyInShell, ortOnlyInWorkersOnnx],
        patterns: [
          { group: ['**/main/**', '**/workers/**', '**/models/**'], message: 'The renderer talks to the core only through the contract (preload/api.ts types + bridge).' },
          { group: ['**/preload/index*'], message: 'The renderer never imports the preload.' },
          { group: ['**/preload/api*'], allowTypeImports: true, message: 'The renderer may import only TYPES from the contract (use `import type`).' },
          { group: ['node:*', 'fs', 'path', 'child_process', 'os', 'better-sqlite3', 'sharp'], message: 'No Node APIs in the renderer.' },
        ],
      }],
    },
  },
);
