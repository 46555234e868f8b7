import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { runCommand } from '../../../main/cli/commands/run.ts';
import { openDatabase } from '../../../main/db/database.ts';
import { cliIo, writeRefs } from './support/cli-fixtures.ts';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assetql-run-faults-'));
  await createTestPack(join(dir, 'packs', 'test-sdxl'), { kind: 'sdxl', id: 'test-sdxl' });
  await writeRefs(join(dir, 'refs'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 6 data rows (file rows 2–7), two of them bad: file row 4 has an empty prompt, file row 6 a steps value that is not a number. */
function writeBadCsv(path: string): void {
  writeFileSync(path, ['name,prompt,steps', 'a,a mug,2', 'b,a teapot,2', 'c,,2', 'd,a vase,2', 'e,a jug,lots', 'f,a bowl,2'].join('\n') + '\n');
}

describe('assetql run: bad rows and model faults', () => {
  it('finishes the good rows and reports the bad ones by row and column (exit 4); --strict refuses (exit 2)', async () => {
    writeBadCsv(join(dir, 'bad.csv'));
    const args = ['bad.csv', '--refs', 'refs', '--pack', 'packs/test-sdxl', '--data-dir', 'data-bad', '--threshold', '0'];
    const strict = cliIo(dir);
    expect(await runCommand.run([...args, '--strict'], strict.io)).toBe(2);
    expect(strict.err()).toMatch(/--strict refuses the batch/);
    expect(strict.err()).toMatch(/row 4, column prompt/);
    expect(strict.err()).toMatch(/row 6, column steps/);

    const f = cliIo(dir);
    const code = await runCommand.run(args, f.io);
    expect(f.err()).toMatch(/skipped row 4, column prompt: /);
    expect(f.err()).toMatch(/skipped row 6, column steps: /);
    expect(code).toBe(4);
    const db = openDatabase(join(dir, 'data-bad', 'assetql.db'));
    const n = db.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE state = 'ready'`).get() as { n: number };
    const b = db.prepare('SELECT COUNT(*) AS n FROM batches').get() as { n: number };
    db.close();
    expect(n.n).toBe(4);
    expect(b.n).toBe(1);
  });

  it('a model file that vanishes mid-run pauses the batch naming it (exit 3); restored, the same command resumes and finishes', async () => {
    const csv = join(dir, 'm.csv');
    writeFileSync(csv, ['name,prompt', ...Array.from({ length: 3 }, (_, i) => `r${i},a ceramic mug number ${i}`)].join('\n') + '\n');
    const unet = join(dir, 'packs', 'test-sdxl', 'unet.onnx');
    expect(existsSync(unet)).toBe(true);
    const args = ['m.csv', '--refs', 'refs', '--pack', 'packs/test-sdxl', '--data-dir', 'data-m', '--threshold', '0'];
    // The pack is checked when the run starts; the file disappears before the worker loads it.
    const f = cliIo(dir);
    const gone = `${unet}.away`;
    const origWrite = f.io.stdout.write.bind(f.io.stdout);
    let moved = false;
    f.io.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (!moved && String(chunk).startsWith('Batch ')) {
        renameSync(unet, gone);
        moved = true;
      }
      return (origWrite as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof f.io.stdout.write;
    const code = await runCommand.run(args, f.io);
    expect(moved).toBe(true);
    expect(code).toBe(3);
    expect(f.err()).toMatch(/batch paused: model file missing: .*unet\.onnx/);
    expect(f.err()).toMatch(/Fix: restore the file/);
    const db = openDatabase(join(dir, 'data-m', 'assetql.db'));
    const b = db.prepare('SELECT state, pause_reason AS reason FROM batches').get() as { state: string; reason: string };
    const dlq = db.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE state = 'dlq'`).get() as { n: number };
    db.close();
    expect(b.state).toBe('paused');
    expect(b.reason).toMatch(/unet\.onnx/);
    expect(dlq.n).toBe(0); // never a style failure

    renameSync(gone, unet);
    const again = cliIo(dir);
    expect(await runCommand.run(args, again.io)).toBe(0);
    expect(again.out()).toMatch(/Resuming batch/);
  });
});
