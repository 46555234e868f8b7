import { spawnSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../main/cli/main.ts';
import { openDatabase } from '../../../main/db/database.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { writeCsv, writeRefs } from '../pipeline/support/cli-fixtures.ts';

/**
 * Faults of the machine reach users as one sentence naming the folder and the fix, a non-zero
 * exit, no stack trace (unless --debug), and a state the next run resumes from. The disk-full
 * and read-only cases use real small tmpfs mounts (root only; skipped with the reason otherwise).
 */
const BIN = resolve('bin/assetql.mjs');
const root = mkdtempSync(join(tmpdir(), 'aq-envfault-'));
const mounts: string[] = [];

function tryMount(dir: string, options: string): string | null {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) return `mount -t tmpfs is not permitted here (${(r.stderr || r.error?.message || '').trim()})`;
  mounts.push(dir);
  return null;
}

afterAll(() => {
  for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
  rmSync(root, { recursive: true, force: true });
});

async function cli(argv: string[]): Promise<{ code: number; err: string }> {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(argv, { stdout: new PassThrough(), stderr, cwd: root, env: {}, signal: new AbortController().signal });
  return { code, err };
}

function oneSentence(err: string): void {
  expect(err.trim().split('\n')).toHaveLength(1);
  expect(err).not.toMatch(/\n\s+at |SqliteError|node:internal/);
}

describe('environment faults', () => {
  it('path too long: names the path and the fix', async () => {
    const r = await cli(['library', 'stats', '--data-dir', join(root, 'x'.repeat(300))]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/is too long for this file system: use a shorter data folder \(--data-dir\)/);
    oneSentence(r.err);
  });

  it.skipIf(process.platform !== 'linux')('permission denied: names the folder and the fix', async () => {
    // /sys refuses mkdir even to root (EPERM); elsewhere a 0555 folder would do for a normal user.
    const r = await cli(['library', 'stats', '--data-dir', '/sys/assetql-h13-test']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/Permission denied for \/sys\/assetql-h13-test: give your user access to \/sys, or choose another folder with --data-dir/);
    oneSentence(r.err);
  });

  it('read-only data folder: names it and the fix', async (ctx) => {
    const dir = join(root, 'ro');
    const skip = tryMount(dir, 'size=4m');
    if (skip) return ctx.skip(skip);
    expect((await cli(['library', 'stats', '--data-dir', join(dir, 'data')])).code).toBe(0);
    expect(spawnSync('mount', ['-o', 'remount,ro', dir]).status).toBe(0);
    const r = await cli(['library', 'stats', '--data-dir', join(dir, 'data')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(new RegExp(`${dir}.* is on a read-only file system: make it writable, or choose another data folder with --data-dir`));
    oneSentence(r.err);
  });

  it('--debug adds the stack trace, also for commands that report their own errors', async () => {
    const r = await cli(['batch', 'show', 'nope', '--data-dir', join(root, 'debug'), '--debug']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/\n\s+at /);
    const tooLong = join(root, 'y'.repeat(300));
    const plain = await cli(['library', 'stats', '--data-dir', tooLong]);
    oneSentence(plain.err);
    const debug = await cli(['library', 'stats', '--data-dir', tooLong, '--debug']);
    expect(debug.err).toMatch(/too long for this file system[\s\S]*\n\s+at /);
  });

  describe('disk full during a run', () => {
    const work = join(root, 'run');
    beforeAll(async () => {
      await createTestPack(join(work, 'packs', 'test-sdxl'), { kind: 'sdxl', id: 'test-sdxl' });
      await writeRefs(join(work, 'refs'));
      writeCsv(join(work, 'b.csv'), 12);
    });

    function runCli(data: string): Promise<{ code: number | null; out: string; err: string }> {
      return new Promise((done) => {
        const p = spawn(process.execPath, [BIN, 'run', 'b.csv', '--refs', 'refs', '--pack', 'packs/test-sdxl', '--data-dir', data, '--threshold', '0'], { cwd: work, env: { ...process.env, ASSETQL_PROVIDERS: 'cpu' } });
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('close', (code) => done({ code, out, err }));
      });
    }

    it('stops with one sentence and exit 1, then resumes to the end once space is freed', async (ctx) => {
      const mnt = join(work, 'mnt');
      const skip = tryMount(mnt, 'size=1m');
      if (skip) return ctx.skip(skip);
      const data = join(mnt, 'data');
      const full = await runCli(data);
      expect(full.code).toBe(1);
      expect(full.err).toMatch(new RegExp(`^assetql(?: run)?: The disk holding ${data}.* is full: free some space there and run the same command again`, 'm'));
      expect(full.err).not.toMatch(/\n\s+at |SqliteError|transaction\.js/);

      expect(spawnSync('mount', ['-o', 'remount,size=64m', mnt]).status).toBe(0);
      const resumed = await runCli(data);
      expect(resumed.err).toBe('');
      expect(resumed.code).toBe(0);
      const db = openDatabase(join(data, 'assetql.db'));
      const batches = db.prepare('SELECT COUNT(*) AS n FROM batches').get() as { n: number };
      const ready = db.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE state = 'ready'`).get() as { n: number };
      const assets = db.prepare('SELECT COUNT(*) AS n FROM assets').get() as { n: number };
      db.close();
      expect(batches.n).toBe(1); // the same batch resumed, not a second one
      expect(ready.n).toBe(12);
      expect(assets.n).toBe(12);
      // Every stored image is whole: the files on disk are exactly the assets' files.
      const pngs = readdirSync(join(data, 'library'), { recursive: true }).map(String).filter((f) => f.endsWith('.png') && !f.startsWith('.tmp') && !f.startsWith('refs') && !f.includes('thumb'));
      expect(pngs.length).toBeGreaterThanOrEqual(12);
    }, 240_000);
  });
});
