// esbuild options shared by scripts/build.mjs and the bundled-worker test, so the test checks
// exactly what ships in the Electron app.
// Native modules and Electron stay external: loaded from node_modules (unpacked from the asar).
export const EXTERNAL = ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node', 'chokidar', 'fsevents', '@aws-sdk/*', '@anthropic-ai/sdk'];

export function esmBundleOptions(root) {
  return {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    external: EXTERNAL,
    absWorkingDir: root,
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    define: { 'globalThis.__ASSETQL_BUNDLED__': 'true' },
    // ESM bundles still need require() for the CJS natives.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  };
}
