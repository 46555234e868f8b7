import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/database.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { writeCsv, writeRefs } from './support/cli-fixtures.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/assetql.mjs');
const TRIALS = Number(process.env['ASSETQL_CONCURRENT_TRIALS'] ?? 10);
const ROWS = 3;

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aq-concurrent-'));
  await createTestPack(join(dir, 'packs', 'test-sdxl'), { kind: 'sdxl', id: 'test-sdxl' });
  await writeRefs(join(dir, 'refs'));
  writeCsv(join(dir, 'rows.csv'), ROWS);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Exit {
  pid: number;
  code: number | null;
  ms: number;
  out: string;
  err: string;
}

function runCli(args: string[], limitMs: number): Promise<Exit> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, ASSETQL_PROVIDERS: 'cpu' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((ok) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      ok({ pid: child.pid!, code, ms: Date.now() - t0, out, err });
    }),
  );
}

describe('two `assetql run`s on one data folder', () => {
  it(`started together: one batch, no duplicate asset, no crash, no hang (${TRIALS} trials)`, async () => {
    const figures: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const data = join(dir, `data-${trial}`);
      const args = ['run', 'rows.csv', '--refs', 'refs', '--pack', 'packs/test-sdxl', '--data-dir', data, '--threshold', '0', '--json'];
      const [a, b] = await Promise.all([runCli(args, 120_000), runCli(args, 120_000)]);
      const runs = [a, b];
      // Neither hung (SIGKILL by the timer gives code null) and neither crashed.
      for (const r of runs) {
        expect(r.code, `trial ${trial} pid ${r.pid}: ${r.err}`).not.toBeNull();
        expect(r.err).not.toMatch(/SQLITE_BUSY|\n\s+at /);
      }
      const ok = runs.filter((r) => r.code === 0);
      const refused = runs.filter((r) => r.code !== 0);
      expect(ok.length, `trial ${trial}: ${a.err} | ${b.err}`).toBeGreaterThanOrEqual(1);
      for (const r of refused) {
        const other = runs.find((x) => x !== r)!;
        expect(r.code).toBe(1);
        expect(r.err).toContain(`in use by pid ${other.pid} (assetql run`);
      }
      // The loser either was refused or (when it started after the winner finished) resumed the
      // winner's batch: same run key, nothing new.
      const db = openDatabase(join(data, 'assetql.db'), { readonly: true });
      try {
        expect(db.prepare('SELECT COUNT(*) AS n FROM batches').get()).toEqual({ n: 1 });
        const assets = db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT task_key) AS k, COUNT(DISTINCT row_index) AS r FROM assets').get();
        expect(assets).toEqual({ n: ROWS, k: ROWS, r: ROWS });
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
      figures.push(`trial ${trial}: exits ${a.code}/${b.code}, ${Math.max(a.ms, b.ms)} ms, refused ${refused.length}`);
    }
    process.stdout.write(`${figures.join('\n')}\n`);
  }, 600_000);
});
