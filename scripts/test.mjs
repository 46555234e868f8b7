// `npm test`: every gate CI runs, in order, with one closing line that counts them all.
//   typecheck (core + Electron shell) → lint (incl. layering) → packaging config → renderer
//   build → vitest (unit + integration on tiny ONNX packs) → Playwright e2e in Chromium.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';

const steps = [];
let passed = 0;
let failed = 0;
const failedNames = [];

function run(label, cmd, args, opts = {}) {
  const started = Date.now();
  console.log(`\n▶ ${label}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env, ...opts });
  const ok = r.status === 0;
  steps.push({ label, ok, seconds: Math.round((Date.now() - started) / 1000) });
  return ok;
}

const node = process.execPath;
const gate = (label, args) => {
  if (run(label, node, args)) passed++;
  else failed++;
};

gate('typecheck', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
gate('typecheck electron shell', ['scripts/typecheck-electron.mjs']);
gate('lint', ['node_modules/eslint/bin/eslint.js', '.', '--max-warnings=0']);
gate('electron-builder config', ['scripts/check-builder-config.mjs']);
gate('build renderer', ['scripts/build.mjs', '--renderer-only', '--quiet']);

mkdirSync('test-results', { recursive: true });
rmSync('test-results/vitest.json', { force: true });
run('vitest', node, ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json']);
if (existsSync('test-results/vitest.json')) {
  const report = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  // A suite that failed to load has no failed tests but must still fail the run.
  if (!report.success && !(report.numFailedTests > 0)) failed++;
  // Name every failure in the closing lines: CI logs are often read from the tail only.
  for (const file of report.testResults ?? []) {
    const rel = String(file.name ?? '').replace(process.cwd() + '/', '');
    if (file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed')) {
      failedNames.push(`${rel}: ${String(file.message ?? 'suite failed to load').split('\n')[0].slice(0, 300)}`);
    }
    for (const a of file.assertionResults ?? []) {
      if (a.status !== 'failed') continue;
      const why = String((a.failureMessages ?? [])[0] ?? '').split('\n')[0].slice(0, 300);
      failedNames.push(`${rel} › ${a.fullName ?? a.title} (${Math.round(a.duration ?? 0)} ms): ${why}`);
    }
  }
} else failed++;

if (existsSync('scripts/e2e.mjs')) {
  rmSync('test-results/e2e.json', { force: true });
  run('e2e (Chromium)', node, ['scripts/e2e.mjs']);
  if (existsSync('test-results/e2e.json')) {
    const e2e = JSON.parse(readFileSync('test-results/e2e.json', 'utf8'));
    passed += e2e.passed ?? 0;
    failed += e2e.failed ?? 0;
    for (const name of e2e.failures ?? []) failedNames.push(`e2e › ${name}`);
  } else failed++;
}

console.log('\nSummary:');
for (const s of steps) console.log(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.label} (${s.seconds}s)`);
for (const name of failedNames) console.log(`  ✕ ${name}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
