// Lint = correctness basics + the layering rules from ARCHITECTURE.md, enforced per folder:
//  - renderer/ imports only the contract's TYPES (preload/api.ts), never main/, workers/ or Node;
//  - workers/ import nothing from main/ (they receive work and return results);
//  - only main/app/ and preload/ import electron; only workers/onnx/ imports onnxruntime-node;
//  - main/ takes from workers/ only the protocol and types (plus a named set of pure colour-math
//    modules): image analysis, decoding, provider probing and generation run in worker threads,
//    so the Electron main process never loads onnxruntime or runs a pixel loop.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const electronOnlyInShell = { name: 'electron', message: 'Only main/app/ and preload/ may import electron (the core must run without it).' };
const ortOnlyInWorkersOnnx = { name: 'onnxruntime-node', message: 'Only workers/onnx/ may import onnxruntime-node.' };
// Value imports main/ may take from workers/: the protocol, *-types.ts / types.ts, pure
// small-vector colour math shared by both sides (palette merge, CIEDE2000, colour spaces; they
// never see a pixel buffer), the WebAssembly byte encoding, and where installed GPU runtimes
// live (paths only). Everything else
// is worker code: reach it through the worker pool.
const workersThroughProtocol = {
  // File globs (not '**/workers/**'): gitignore semantics cannot re-include a file below an
  // excluded folder, so the exceptions only work against file patterns.
  group: [
    '**/workers/**/*.ts',
    '!**/workers/protocol.ts',
    '!**/workers/**/*-types.ts',
    '!**/workers/**/types.ts',
    '!**/workers/analysis/compare.ts',
    '!**/workers/analysis/colour-space.ts',
    '!**/workers/analysis/palette.ts',
    // WebAssembly binary encoding (bytes only), shared by the library's and the bake's kernels.
    '!**/workers/wasm/wasm-encoding.ts',
    // Where the installed GPU runtime lives (fs/os only): main/gpu-runtime installs, ort.ts loads.
    '!**/workers/onnx/runtime-location.ts',
  ],
  allowTypeImports: true,
  message: 'main/ uses workers/ only through the worker protocol (main/inference/worker-pool.ts, cpu-jobs.ts) and type imports: worker code (pixel loops, onnxruntime, sharp decoding) must not run on the main thread.',
};
// The project imports with explicit .ts extensions; an extensionless path into workers/ would
// slip past the file globs above, so it is refused outright (types included: use the .ts path).
const workersWithoutExtension = { regex: '(^|/)workers/(.+/)?[^/.]+$', message: 'Import workers/ modules by their .ts path (and only the protocol and types from main/).' };

// One writer per table: only main/pipeline/ reaches the ledger modules; everything else goes
// through the engine (writes) or main/pipeline/ledger-api.ts (reads, batch admin).
const ledgerOnlyInPipeline = { group: ['**/pipeline/ledger/*', '**/pipeline/ledger/**'], message: 'Only main/pipeline/ may import pipeline/ledger/*: use the engine (writes) or pipeline/ledger-api.ts (reads).' };

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
    files: ['main/**'],
    ignores: ['main/app/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnlyInShell, ortOnlyInWorkersOnnx], patterns: [workersThroughProtocol, workersWithoutExtension] }] },
  },
  {
    files: ['main/app/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [ortOnlyInWorkersOnnx], patterns: [workersThroughProtocol, workersWithoutExtension, ledgerOnlyInPipeline] }] },
  },
  {
    files: ['preload/**'],
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
    files: ['main/**'],
    ignores: ['main/pipeline/**', 'main/app/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnlyInShell, ortOnlyInWorkersOnnx], patterns: [workersThroughProtocol, workersWithoutExtension, ledgerOnlyInPipeline] }] },
  },
  {
    files: ['renderer/**'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnlyInShell, ortOnlyInWorkersOnnx],
        patterns: [
          // The Workers screen's own folder (screens/workers/) is renderer code, not the workers/ layer.
          { group: ['**/main/**', '**/workers/**', '!**/screens/workers/**', '**/models/**'], message: 'The renderer talks to the core only through the contract (preload/api.ts types + bridge).' },
          { group: ['**/preload/index*'], message: 'The renderer never imports the preload.' },
          { group: ['**/preload/api*'], allowTypeImports: true, message: 'The renderer may import only TYPES from the contract (use `import type`).' },
          { group: ['node:*', 'fs', 'path', 'child_process', 'os', 'better-sqlite3', 'sharp'], message: 'No Node APIs in the renderer.' },
        ],
      }],
    },
  },
  {
    // Last, so it wins over the workers/ blocks: the shared pure modules main/ may import stay
    // pure (no native image or inference code).
    files: ['workers/protocol.ts', 'workers/**/*-types.ts', 'workers/**/types.ts', 'workers/analysis/compare.ts', 'workers/analysis/colour-space.ts', 'workers/analysis/palette.ts', 'workers/onnx/runtime-location.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnlyInShell, ortOnlyInWorkersOnnx, { name: 'sharp', message: 'Modules main/ may import stay pure (no sharp).' }, { name: 'better-sqlite3', message: 'workers/ never touch the database.' }],
        patterns: [{ group: ['**/main/**', '../main/*', '../../main/*'], message: 'workers/ import nothing from main/.' }, { group: ['**/ort.ts', '**/providers.ts', '**/analyse-image.ts', '**/decode-image.ts', '**/pixel-stats.ts', '**/gradients.ts', '**/generate.ts', '**/sdxl-pack.ts', '**/clip-pack.ts'], allowTypeImports: true, message: 'Modules main/ may import stay pure: no runtime or pixel code.' }],
      }],
    },
  },
);
