import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { writeCsv, writeRefs } from '../pipeline/support/cli-fixtures.ts';

/**
 * A real batch on tiny packs with HOME, XDG_CACHE_HOME and TMPDIR pointed at fresh empty
 * folders: afterwards only the data folder has changed. onnxruntime-node 1.30 would otherwise
 * write ~/.cache/Microsoft/DeveloperTools/.onnxruntime/{deviceid,onnxruntime.db} and
 * $TMPDIR/mat-debug-<pid>.log (its telemetry), and the WebGPU probe printed Dawn's Vulkan
 * warning with a C++ frame on stderr.
 */
const BIN = resolve('bin/assetql.mjs');
const root = mkdtempSync(join(tmpdir(), 'aq-quiet-'));
const work = join(root, 'work');
const home = join(root, 'home');
const temp = join(root, 'tmp');

beforeAll(async () => {
  await createTestPack(join(work, 'packs', 'test-sdxl'), { kind: 'sdxl', id: 'test-sdxl' });
  await writeRefs(join(work, 'refs'));
  writeCsv(join(work, 'b.csv'), 3);
  mkdirSync(home);
  mkdirSync(temp);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const listAll = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();

describe('quiet and private by default', () => {
  it('a batch writes nothing outside the data folder, leaves no temp files and prints no native warnings', async () => {
    const workBefore = listAll(work);
    const r = await new Promise<{ code: number | null; err: string }>((done) => {
      const p = spawn(process.execPath, [BIN, 'run', 'b.csv', '--refs', 'refs', '--pack', 'packs/test-sdxl', '--data-dir', join(root, 'data'), '--threshold', '0'], {
        cwd: work,
        // Not ASSETQL_PROVIDERS=cpu: the real provider probe (WebGPU included) must run.
        env: { PATH: process.env['PATH'] ?? '', HOME: home, XDG_CACHE_HOME: join(home, '.cache'), TMPDIR: temp, TMP: temp, TEMP: temp },
      });
      let err = '';
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.stdout.resume();
      p.on('close', (code) => done({ code, err }));
    });
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(/Vulkan|\.cpp:\d+|Warning:/);
    expect(listAll(home)).toEqual([]);
    expect(listAll(temp)).toEqual([]);
    expect(listAll(work)).toEqual(workBefore);
    expect(listAll(join(root, 'data')).some((f) => f.endsWith('.png'))).toBe(true);
  }, 180_000);
});
