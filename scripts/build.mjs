// Builds what ships: the renderer (Vite) and, for Electron, esbuild bundles of the main
// process (ESM), the sandboxed preload (CJS: sandboxed preloads cannot be ES modules) and the
// inference worker. The CLI and tests run the TypeScript sources directly through tsx.
//   node scripts/build.mjs                 renderer + electron bundles
//   node scripts/build.mjs --renderer-only only the renderer (what `assetql serve` needs)
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const rendererOnly = process.argv.includes('--renderer-only');
const quiet = process.argv.includes('--quiet');
const log = (m) => quiet || console.log(m);

await viteBuild({ configFile: `${root}/renderer/vite.config.ts`, logLevel: quiet ? 'error' : 'warn' });
log('built dist/renderer');

if (!rendererOnly) {
  // Native modules and Electron itself stay external: they are loaded from node_modules
  // (unpacked from the asar by electron-builder.yml).
  const external = ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node', 'chokidar', 'fsevents', '@aws-sdk/*', '@anthropic-ai/sdk'];
  const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, external, logLevel: quiet ? 'error' : 'warning', absWorkingDir: root };
  await esbuild({
    ...common,
    entryPoints: { main: 'main/app/main.ts', 'workers/inference.worker': 'workers/inference.worker.ts' },
    outdir: 'dist/electron',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    define: { 'globalThis.__ASSETQL_BUNDLED__': 'true' },
    // ESM bundles still need require() for the CJS natives.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  await esbuild({ ...common, entryPoints: { preload: 'preload/index.ts' }, outdir: 'dist/electron', format: 'cjs', outExtension: { '.js': '.cjs' } });
  log('built dist/electron (main.mjs, preload.cjs, workers/)');
}
