// `npm start`: opens the Electron app where Electron is installed; otherwise explains why and
// starts the browser UI (assetql serve), printing its URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron'); // the electron package exports the binary's path
    return typeof path === 'string' && existsSync(path) ? { path } : { why: `the Electron binary is missing at ${path}` };
  } catch {
    try {
      require.resolve('electron');
      return { why: 'the electron package is installed but its binary was not downloaded (offline install or ELECTRON_SKIP_BINARY_DOWNLOAD)' };
    } catch {
      return { why: 'the electron package is not installed (its binary download failed, so npm left it out)' };
    }
  }
}

/**
 * better-sqlite3 is compiled against one ABI: Node's after `npm install`, Electron's after
 * `npm run rebuild:electron`. Probe it inside Electron (as Node) before opening a window that
 * would fail on its first database call.
 */
function nativeModulesFitElectron(path) {
  const r = spawnSync(path, ['-e', "require('better-sqlite3')"], { cwd: root, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' });
  return r.status === 0;
}

let electron = electronBinary();
if (electron.path && !nativeModulesFitElectron(electron.path)) {
  electron = {
    why: 'the native modules are built for Node, not for Electron. Run `npm run rebuild:electron` to rebuild them for the desktop app ' +
      '(and `npm run rebuild:node` to switch back before using the CLI or running tests)',
  };
}
const buildArgs = electron.path ? [] : ['--renderer-only'];
const build = spawn(process.execPath, [`${root}/scripts/build.mjs`, ...buildArgs, '--quiet'], { stdio: 'inherit' });
build.on('exit', (code) => {
  if (code !== 0) process.exit(code ?? 1);
  if (electron.path) {
    spawn(electron.path, [`${root}/dist/electron/main.mjs`], { stdio: 'inherit' }).on('exit', (c) => process.exit(c ?? 0));
    return;
  }
  console.log(`Electron is not available: ${electron.why}.`);
  console.log('Starting the browser UI instead (same app, in your browser). To get the desktop app on a machine with internet: npm install electron\n');
  const serve = spawn(process.execPath, [`${root}/bin/assetql.mjs`, 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
  process.on('SIGINT', () => serve.kill('SIGINT'));
  serve.on('exit', (c) => process.exit(c ?? 0));
});
