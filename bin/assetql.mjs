#!/usr/bin/env node
// The `assetql` command. The core is TypeScript run through tsx's loader, so the CLI, the
// browser UI and the tests execute the same sources with no build step in between; the
// Electron app ships an esbuild bundle instead (scripts/build.mjs).
//
// Before tsx loads: its compile cache would otherwise persist in $TMPDIR/tsx-<uid> after every
// run (the app leaves nothing outside its data folder; compiling is fast enough without it), and
// onnxruntime's telemetry is off (main/core/quiet-runtime.ts sets it again for other entries).
process.env.TSX_DISABLE_CACHE ??= '1';
process.env.ORT_DISABLE_TELEMETRY = '1';
const { register } = await import('tsx/esm/api');

register();
const { main } = await import('../main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
