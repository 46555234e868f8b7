// Builds what ships: the renderer (Vite) and, for Electron, esbuild bundles of the main
// process (ESM), the sandboxed preload (CJS: sandboxed preloads cannot be ES modules) and the
// inference worker. The CLI and tests run the TypeScript sources directly through tsx.
//   node scripts/build.mjs                 renderer + electron bundles
//   node scripts/build.mjs --renderer-only only the renderer (what `assetql serve` needs)
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { esmBundleOptions } from './bundle-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const rendererOnly = process.argv.includes('--renderer-only');
const quiet = process.argv.includes('--quiet');
const log = (m) => quiet || console.log(m);

await viteBuild({ configFile: `${root}/renderer/vite.config.ts`, logLevel: quiet ? 'error' : 'warn' });
log('built dist/renderer');

if (!rendererOnly) {
  const logLevel = quiet ? 'error' : 'warning';
  const esm = esmBundleOptions(root);
  await esbuild({
    ...esm,
    logLevel,
    entryPoints: { main: 'main/app/main.ts', 'workers/inference.worker': 'workers/inference.worker.ts' },
    outdir: 'dist/electron',
  });
  const { define: _d, banner: _b, outExtension: _o, ...common } = esm;
  await esbuild({ ...common, logLevel, entryPoints: { preload: 'preload/index.ts' }, outdir: 'dist/electron', format: 'cjs', outExtension: { '.js': '.cjs' } });
  log('built dist/electron (main.mjs, preload.cjs, workers/)');
}
