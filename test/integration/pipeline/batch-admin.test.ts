import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipeline } from '../../../main/pipeline/engine.ts';
import { batchCommand } from '../../../main/cli/commands/batch.ts';
import { batchAdminInfo, duplicateBatchInput, failedTaskIds } from '../../../main/pipeline/ledger/batch-admin.ts';
import { deleteBatchAndFiles, duplicateBatch, rerunFailed } from '../../../main/runtime/batch-admin-ops.ts';
import { colourStages } from './support/colour-stages.ts';
import { rows, tempLibrary, type TempLibrary } from './support/fixtures.ts';
import { cliIo } from './support/cli-fixtures.ts';

let lib: TempLibrary | undefined;
afterEach(() => lib?.cleanup());

describe('batch management (rename, duplicate, re-run failed, archive, delete)', () => {
  it('works through the CLI on the ledger and keeps assets of a deleted batch unless asked', async () => {
    lib = tempLibrary();
    const l = lib;
    const engine = createPipeline({ db: l.db, stages: colourStages({ db: l.db, dataDir: l.dataDir }), config: { backoffBaseMs: 5, idlePollMs: 50 } });
    await engine.start();
    // threshold above 1: nothing passes, every row lands in review (a failed row).
    const b = engine.createBatch({ name: 'admin batch', model: 'test-colour-v1', config: { thresholds: { style: 1 }, retries: 0 }, tasks: rows(3), start: true });
    await engine.waitForBatch(b.id);
    const run = async (...args: string[]) => {
      const t = cliIo(l.dir);
      const code = await batchCommand.run([...args, '--data-dir', l.dir, '--json'], t.io);
      return { code, out: t.out(), err: t.err() };
    };

    expect(JSON.parse((await run('rename', b.id, '  Renamed  ')).out)).toMatchObject({ id: b.id, name: 'Renamed', packId: 'test-colour-v1', archived: false });
    await expect(run('rename', b.id, '   ')).rejects.toThrow(/cannot be empty/);

    // run again with changes: only the failed rows, 2 steps, fresh seeds → a new draft
    expect(failedTaskIds(l.db, b.id)).toHaveLength(3);
    const input = duplicateBatchInput(l.db, b.id, { steps: 2, seeds: 'keep' });
    expect(input.tasks.map((t) => t.params.steps)).toEqual([2, 2, 2]);
    expect(input.tasks.map((t) => t.params.seed)).toEqual(engine.listTasks({ batchId: b.id }).map((t) => t.params.seed));
    const dup = JSON.parse((await run('duplicate', b.id, '--only-failed', '--steps', '3', '--new-seeds', '--name', 'Again')).out) as { id: string; name: string; state: string; counts: { total: number }; duplicatedFrom: string };
    expect(dup).toMatchObject({ name: 'Again', state: 'draft', counts: { total: 3 }, duplicatedFrom: b.id });
    expect(engine.listTasks({ batchId: dup.id }).every((t) => t.params.steps === 3 && t.state === 'queued')).toBe(true);
    await expect(run('duplicate', b.id, '--steps', 'many')).rejects.toThrow(/--steps: .*number/i);

    // re-run failed: the three review rows go back to the queue of the same batch, and fail again
    await engine.stop();
    const t = cliIo(l.dir);
    expect(await batchCommand.run(['rerun-failed', b.id, '--data-dir', l.dir], t.io)).toBe(0);
    expect(t.out()).toMatch(/3 row\(s\) queued again/);
    expect(engine.listTasks({ batchId: b.id }).map((x) => x.state)).toEqual(['queued', 'queued', 'queued']);
    expect(engine.getBatch(b.id)?.state).toBe('running');
    await expect(run('archive', b.id)).rejects.toThrow(/is running; pause or cancel it/);
    await run('pause', b.id);
    expect(JSON.parse((await run('archive', b.id)).out)).toMatchObject({ archived: true });
    expect((JSON.parse((await run('list')).out) as { id: string }[]).map((x) => x.id)).toEqual([dup.id]);
    expect((JSON.parse((await run('list', '--all')).out) as { id: string }[]).map((x) => x.id).sort()).toEqual([b.id, dup.id].sort());

    // delete: rows and attempt images go, the batch disappears, an asset of it stays
    const attemptsDir = join(l.dataDir.library, 'attempts', b.id);
    mkdirSync(attemptsDir, { recursive: true });
    writeFileSync(join(attemptsDir, 'x-1.png'), 'png');
    const del = JSON.parse((await run('delete', b.id)).out) as { tasks: number; assetsDeleted: number };
    expect(del).toEqual({ id: b.id, tasks: 3, assetsDeleted: 0 });
    expect(existsSync(attemptsDir)).toBe(false);
    expect(engine.listTasks({ batchId: b.id })).toHaveLength(0);
    expect(batchAdminInfo(l.db).get(b.id)?.deletedAt).toBeTypeOf('number');
    expect((JSON.parse((await run('list', '--all')).out) as { id: string }[]).map((x) => x.id)).toEqual([dup.id]);
    await expect(run('rename', b.id, 'x')).rejects.toThrow(/was deleted/);
    await expect(run('delete', b.id)).rejects.toThrow(/was deleted/);
  });

  it('refuses to re-run rows of a cancelled batch and to delete a running one, with sentences', async () => {
    lib = tempLibrary();
    const engine = createPipeline({ db: lib.db, stages: colourStages({ db: lib.db, dataDir: lib.dataDir }), config: { idlePollMs: 50 } });
    const b = engine.createBatch({ name: 'live', model: 'm', config: {}, tasks: rows(2), start: true });
    const deps = { db: lib.db, dataDir: lib.dataDir, engine };
    await expect(deleteBatchAndFiles(deps, b.id, false)).rejects.toThrow(/is running; cancel or pause it before deleting it/);
    engine.cancelBatch(b.id);
    expect(() => rerunFailed(deps, b.id)).toThrow(/was cancelled.*Run again/);
    const copy = duplicateBatch(deps, b.id, { onlyFailed: true });
    expect(engine.listTasks({ batchId: copy }).map((t) => t.rowIndex)).toEqual([1, 2]);
    expect(await deleteBatchAndFiles(deps, b.id, true)).toEqual({ tasks: 2, assetsDeleted: 0 });
  });
});
