import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/database.ts';
import { tempLibrary } from './support/fixtures.ts';

const CHILD = resolve(import.meta.dirname, 'support/kill-child.ts');
const ROWS = 24;
const TRIALS = Number(process.env['ASSETQL_KILL_TRIALS'] ?? 5);

function startChild(dir: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(ROWS), '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(c: ChildProcess): Promise<number | null> {
  return new Promise((r) => c.once('exit', (code) => r(code)));
}

describe('kill and resume', () => {
  it(`SIGKILL mid-batch, restart: every row ends exactly once, no duplicate asset, integrity ok (${TRIALS} trials)`, async () => {
    let orphanTotal = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const lib = tempLibrary('assetql-kill-');
      lib.db.close();
      try {
        // Kill at a different point each trial: after 2..(ROWS-4) rows reached a final state.
        const killAfter = 2 + ((trial * 5) % (ROWS - 6));
        const child = startChild(lib.dir);
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        const watcher = openDatabase(lib.dataDir.dbPath, { readonly: true });
        let killed = false;
        const exit = exited(child);
        const deadline = Date.now() + 60_000;
        while (!killed && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 15));
          let done = 0;
          try {
            done = (watcher.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE state IN ('ready','dlq')`).get() as { n: number }).n;
          } catch {
            continue; // tables not created yet
          }
          if (done >= killAfter) {
            child.kill('SIGKILL');
            killed = true;
          }
        }
        watcher.close();
        expect(killed, `child never reached ${killAfter} finished rows: ${stderr}`).toBe(true);
        await exit;

        const again = startChild(lib.dir);
        let out = '';
        let err2 = '';
        again.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        again.stderr!.on('data', (d: Buffer) => (err2 += d.toString()));
        expect(await exited(again), err2).toBe(0);
        expect(out).toContain('finished done');

        const db = openDatabase(lib.dataDir.dbPath);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const tasks = db.prepare('SELECT state, COUNT(*) AS n FROM tasks GROUP BY state').all() as { state: string; n: number }[];
        const total = tasks.reduce((s, t) => s + t.n, 0);
        expect(total).toBe(ROWS);
        expect(tasks.every((t) => t.state === 'ready' || t.state === 'dlq')).toBe(true);
        const ready = tasks.find((t) => t.state === 'ready')?.n ?? 0;
        const assets = db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT task_key) AS k, COUNT(DISTINCT task_id) AS t FROM assets').get() as {
          n: number;
          k: number;
          t: number;
        };
        expect(assets).toEqual({ n: ready, k: ready, t: ready });
        const batchId = (db.prepare('SELECT id FROM batches').get() as { id: string }).id;
        // One file per asset: every asset row has its own existing file, and no file is left
        // unreferenced (the library derives a task's file name from its task key, so a kill
        // between the atomic rename and the row insert is repaired by the retry).
        const files = new Set(readdirSync(join(lib.dataDir.library, 'raw', batchId)));
        const paths = (db.prepare('SELECT rel_path FROM assets').all() as { rel_path: string }[]).map((r) => r.rel_path.split('/').at(-1)!);
        expect(new Set(paths).size).toBe(ready);
        for (const p of paths) expect(files.has(p)).toBe(true);
        const orphans = files.size - ready;
        expect(orphans).toBe(0);
        orphanTotal += orphans;
        // Every ready task points at its own asset; nothing is left leased or open.
        expect(db.prepare(`SELECT COUNT(*) AS n FROM tasks t JOIN assets a ON a.id = t.asset_id AND a.task_key = t.task_key WHERE t.state = 'ready'`).get()).toEqual({ n: ready });
        expect(db.prepare('SELECT COUNT(*) AS n FROM tasks WHERE lease_until IS NOT NULL').get()).toEqual({ n: 0 });
        expect(db.prepare('SELECT COUNT(*) AS n FROM attempts WHERE outcome IS NULL').get()).toEqual({ n: 0 });
        db.close();
      } finally {
        lib.cleanup();
      }
    }
    process.stdout.write(`kill-resume: ${TRIALS} trials, ${orphanTotal} unreferenced library file(s) left by kills\n`);
  }, 300_000);
});
