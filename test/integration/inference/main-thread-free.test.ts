import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRefs } from '../pipeline/support/cli-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Modules whose code must never run on the main thread: ORT, its probe, pixel loops, decoding. */
const WORKER_ONLY = ['workers/onnx/ort.ts', 'workers/onnx/providers.ts', 'workers/sdxl/generate.ts', 'workers/analysis/analyse-image.ts', 'workers/analysis/decode-image.ts', 'workers/analysis/pixel-stats.ts'];

/** Files reachable from `entry` through value imports and re-exports (type-only ones skipped). */
function valueImportGraph(entry: string): Map<string, string> {
  const seen = new Map<string, string>([[entry, '(entry)']]);
  const queue = [entry];
  const re = /^(?:import|export)\s+(?!type\s)([^;]*?)\s+from\s+'([^']+)'|^import\s+'([^']+)'/gm;
  while (queue.length > 0) {
    const file = queue.pop()!;
    const src = readFileSync(join(ROOT, file), 'utf8');
    for (const m of src.matchAll(re)) {
      const clause = m[1] ?? '';
      const spec = m[2] ?? m[3]!;
      // `import { type A, type B } from` is type-only too.
      if (/^\{[^}]*\}$/s.test(clause.trim()) && clause.replace(/[{}\s]/g, '').split(',').filter(Boolean).every((n) => n.startsWith('type'))) continue;
      if (!spec.startsWith('.')) {
        if (spec === 'onnxruntime-node') seen.set(spec, file);
        continue;
      }
      const target = join(dirname(file), spec);
      if (!target.endsWith('.ts') || seen.has(target)) continue;
      seen.set(target, file);
      queue.push(target);
    }
  }
  return seen;
}

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aq-mainthread-'));
  await writeRefs(join(dir, 'refs'), 1);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('heavy work stays off the main thread', () => {
  it.each(['main/app/main.ts', 'main/cli/main.ts'])('%s reaches no worker-only module through value imports', (entry) => {
    const graph = valueImportGraph(entry);
    expect(graph.size).toBeGreaterThan(50); // the walk really followed the app
    for (const bad of [...WORKER_ONLY, 'onnxruntime-node']) expect(graph.has(bad), `${bad} imported by ${graph.get(bad)}`).toBe(false);
  });

  it('doctor (probe + smoke run) and dna (decode + analysis) work while the main thread never loads onnxruntime', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'support/main-thread-probe.ts'), join(dir, 'data'), join(dir, 'refs', 'ref-1.png')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { doctor: number; dna: number; smoke: { ok: boolean }[]; ortVersion: string; cpu: { available: boolean }; palette: number; loaded: string[] };
    expect(res.doctor).toBe(0);
    expect(res.cpu.available).toBe(true);
    expect(res.smoke.length).toBeGreaterThan(0);
    expect(res.smoke.every((s) => s.ok)).toBe(true);
    expect(res.ortVersion).toMatch(/^\d+\.\d+/);
    expect(res.dna).toBe(0);
    expect(res.palette).toBeGreaterThan(0);
    expect(res.loaded).toEqual([]);
  }, 300_000);
});
