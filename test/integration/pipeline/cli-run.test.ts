import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { runCommand } from '../../../main/cli/commands/run.ts';
import { modelsCommand } from '../../../main/cli/commands/models.ts';
import { openDatabase } from '../../../main/db/database.ts';
import { cliIo, writeCsv, writeRefs } from './support/cli-fixtures.ts';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assetql-run-'));
  await createTestPack(join(dir, 'packs', 'test-sdxl'), { kind: 'sdxl', id: 'test-sdxl' });
  await createTestPack(join(dir, 'packs', 'test-clip'), { kind: 'clip', id: 'test-clip' });
  await writeRefs(join(dir, 'refs'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lines(s: string): Record<string, unknown>[] {
  return s
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('assetql run', () => {
  it('without a pack it says which packs are missing and how to get them', async () => {
    writeCsv(join(dir, 'a.csv'), 2);
    const f = cliIo(dir);
    const code = await runCommand.run(['a.csv', '--refs', 'refs', '--data-dir', 'data-empty'], f.io);
    expect(code).toBe(2);
    expect(f.err()).toMatch(/No SDXL model pack is installed/);
    expect(f.err()).toMatch(/assetql models (download|locate) sdxl-/);
    expect(f.err()).toMatch(/assetql models create-test-pack <dir>/);
    expect(f.err()).toMatch(/--pack <dir>\/test-sdxl/);
  });

  it('--pack takes an installed pack id as well as a folder, and names both when neither exists', async () => {
    writeCsv(join(dir, 'id.csv'), 1);
    const bad = cliIo(dir);
    expect(await runCommand.run(['id.csv', '--refs', 'refs', '--pack', 'no-such-pack', '--data-dir', join(dir, 'data-id')], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/--pack no-such-pack: no folder at .*no-such-pack and no installed pack with that id/);
    expect(await modelsCommand.run(['locate', 'test-sdxl', 'packs/test-sdxl', '--data-dir', join(dir, 'data-id')], cliIo(dir).io)).toBe(0);
    const f = cliIo(dir);
    const code = await runCommand.run(['id.csv', '--refs', 'refs', '--pack', 'test-sdxl', '--data-dir', join(dir, 'data-id'), '--threshold', '0', '--json'], f.io);
    expect(f.err()).not.toMatch(/assetql run:/);
    expect(code).toBe(0);
    expect(lines(f.out())[0]).toMatchObject({ event: 'start', rows: 1, pack: 'test-sdxl' });
  });

  it('runs a batch on tiny packs with JSON lines, exit 0, and a second run resumes the same batch', async () => {
    writeCsv(join(dir, 'b.csv'), 4);
    const args = ['b.csv', '--refs', 'refs', '--pack', 'packs/test-sdxl', '--clip-pack', 'packs/test-clip', '--data-dir', 'data-b', '--threshold', '0', '--json'];
    const f = cliIo(dir);
    const code = await runCommand.run(args, f.io);
    expect(f.err()).not.toMatch(/assetql run:/);
    expect(code).toBe(0);
    const ev = lines(f.out());
    expect(ev[0]).toMatchObject({ event: 'start', rows: 4, pack: 'test-sdxl', testPack: true });
    expect(ev.some((e) => e['event'] === 'progress')).toBe(true);
    const summary = ev.at(-1)!;
    expect(summary).toMatchObject({ event: 'summary', state: 'done' });
    expect((summary['metrics'] as { counts: { ready: number } }).counts.ready).toBe(4);

    const db = openDatabase(join(dir, 'data-b', 'assetql.db'));
    const assets = db.prepare('SELECT COUNT(*) AS n, COUNT(thumb_rel_path) AS t FROM assets').get() as { n: number; t: number };
    const emb = db.prepare('SELECT COUNT(*) AS n FROM asset_embeddings').get() as { n: number };
    db.close();
    expect(assets).toEqual({ n: 4, t: 4 });
    expect(emb.n).toBe(4);

    const again = cliIo(dir);
    expect(await runCommand.run(args, again.io)).toBe(0);
    const ev2 = lines(again.out());
    expect(ev2[0]).toMatchObject({ event: 'resume', state: 'done' });
    const db2 = openDatabase(join(dir, 'data-b', 'assetql.db'));
    expect(db2.prepare('SELECT COUNT(*) AS n FROM batches').get()).toEqual({ n: 1 });
    db2.close();
  });

  it('Ctrl-C pauses cleanly (exit 130) and the same command resumes to the end; human output has a summary table', async () => {
    writeCsv(join(dir, 'c.csv'), 6);
    const args = ['c.csv', '--refs', 'refs', '--pack', 'packs/test-sdxl', '--data-dir', 'data-c', '--threshold', '0'];
    const f = cliIo(dir);
    const running = runCommand.run(args, f.io);
    // Ctrl-C once the first image is through.
    const t0 = Date.now();
    while (!/\d+\/6/.test(f.out()) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 20));
    f.abort();
    expect(await running).toBe(130);
    expect(f.out()).toMatch(/Paused\. Run the same command again to resume\./);
    const db = openDatabase(join(dir, 'data-c', 'assetql.db'));
    expect(db.prepare('SELECT state FROM batches').get()).toEqual({ state: 'paused' });
    expect(db.prepare('SELECT COUNT(*) AS n FROM tasks WHERE lease_until IS NOT NULL').get()).toEqual({ n: 0 });
    db.close();

    const g = cliIo(dir);
    expect(await runCommand.run(args, g.io)).toBe(0);
    expect(g.out()).toMatch(/Resuming batch/);
    expect(g.out()).toMatch(/passed\s+6/);
    expect(g.out()).toMatch(/GPU-seconds\s+\d/);
  });
});
