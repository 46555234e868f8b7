#!/usr/bin/env node
// The `assetql` command. The core is TypeScript run through tsx's loader, so the CLI, the
// browser UI and the tests execute the same sources with no build step in between; the
// Electron app ships an esbuild bundle instead (scripts/build.mjs).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
