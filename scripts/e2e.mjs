#!/usr/bin/env node
// Runs the Playwright end-to-end suite (test/e2e/*.e2e.ts) in Debian's Chromium against
// `assetql serve`. Rebuilds the renderer first when dist/renderer is older than its sources.
// Usage: node scripts/e2e.mjs [name-filter]   (CHROMIUM_PATH overrides /usr/bin/chromium)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

const built = join(root, 'dist/renderer/index.html');
const sources = [join(root, 'renderer'), join(root, 'preload/api.ts')];
if (!existsSync(built) || Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs) {
  console.log('e2e: building the renderer (dist/renderer is missing or stale)…');
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts'], { cwd: root, stdio: 'inherit' });
}

register();
const { runAll } = await import('../test/e2e/run.ts');
process.exitCode = await runAll(process.argv[2]);
