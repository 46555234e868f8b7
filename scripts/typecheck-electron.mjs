// Typechecks the Electron shell (main/app, preload) against Electron's real type definitions.
// Electron is an optional dependency: where its binary download failed npm removed the whole
// package (types too). CI installs it with ELECTRON_SKIP_BINARY_DOWNLOAD=1 so the types are
// there; on a developer machine without it we say so instead of failing.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const types = new URL('../node_modules/electron/electron.d.ts', import.meta.url);
if (!existsSync(types)) {
  const msg = 'Electron types not installed (the electron package was removed after its binary download failed).\n' +
    'To typecheck the Electron shell: ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install';
  if (process.env.CI) {
    console.error(`typecheck-electron: ${msg}`);
    process.exit(1);
  }
  console.log(`typecheck-electron: skipped. ${msg}`);
  process.exit(0);
}
const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.electron.json', '--noEmit'], { stdio: 'inherit' });
if (r.status === 0) console.log('typecheck-electron: main/app and preload OK against Electron types');
process.exit(r.status ?? 1);
