// Validates electron-builder.yml against electron-builder's own JSON schema, so a broken
// packaging config fails CI here even though the Electron binary cannot be downloaded.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml');
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
const { DebugLogger } = require('builder-util/out/DebugLogger.js');

const config = yaml.load(readFileSync(new URL('../electron-builder.yml', import.meta.url), 'utf8'));
try {
  await validateConfiguration(config, new DebugLogger(false));
} catch (err) {
  console.error(`electron-builder.yml is invalid:\n${err.message}`);
  process.exit(1);
}
for (const mod of ['better-sqlite3', 'sharp', 'onnxruntime-node']) {
  if (!config.asarUnpack.some((p) => p.includes(mod))) {
    console.error(`electron-builder.yml: native module ${mod} must be in asarUnpack`);
    process.exit(1);
  }
}
const targets = { win: 'nsis', mac: 'dmg', linux: 'AppImage' };
for (const [os, t] of Object.entries(targets)) {
  if (!JSON.stringify(config[os]?.target ?? '').includes(t)) {
    console.error(`electron-builder.yml: ${os} must build ${t}`);
    process.exit(1);
  }
}
console.log('electron-builder.yml is valid (schema, native modules unpacked, targets for win/mac/linux)');
