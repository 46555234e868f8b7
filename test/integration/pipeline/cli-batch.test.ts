import { afterEach, describe, expect, it } from 'vitest';
import { createPipeline } from '../../../main/pipeline/engine.ts';
import { batchCommand } from '../../../main/cli/commands/batch.ts';
import { colourStages } from './support/colour-stages.ts';
import { rows, tempLibrary, type TempLibrary } from './support/fixtures.ts';
import { cliIo } from './support/cli-fixtures.ts';

let lib: TempLibrary | undefined;
afterEach(() => lib?.cleanup());

describe('assetql batch', () => {
  it('lists batches, shows the review queue, retries and rejects rows, pauses and cancels', async () => {
    lib = tempLibrary();
    const engine = createPipeline({ db: lib.db, stages: colourStages({ db: lib.db, dataDir: lib.dataDir }), config: { backoffBaseMs: 5, idlePollMs: 50 } });
    await engine.start();
    const b = engine.createBatch({ name: 'cli batch', model: 'test-colour-v1', config: { thresholds: { style: 1 }, retries: 0 }, tasks: rows(3), start: true });
    await engine.waitForBatch(b.id);
    await engine.stop();
    const run = async (...args: string[]) => {
      const t = cliIo(lib!.dir);
      const code = await batchCommand.run([...args, '--data-dir', lib!.dir], t.io);
      return { code, out: t.out(), err: t.err() };
    };
    const list = await run('list', '--json');
    // The app's counts and words: the batch list line is the same text the app shows.
    const listed = JSON.parse(list.out)[0];
    expect(listed).toMatchObject({ id: b.id, state: 'done', counts: { total: 3, rerun: 3, line: 'Ready 0/3 · Needs review 3' } });
    expect(listed.counts.statuses).toContainEqual(expect.objectContaining({ status: 'review', label: 'Needs review', count: 3 }));
    expect((await run('list')).out).toContain('cli batch  Ready 0/3 · Needs review 3');
    const review = JSON.parse((await run('review', b.id, '--json')).out) as { id: string; reason: string }[];
    expect(review).toHaveLength(3);
    expect(review[0]!.reason).toMatch(/threshold 1\b/);
    expect((await run('retry', review[0]!.id)).out).toMatch(/queued again/);
    expect((await run('reject', review[1]!.id)).code).toBe(0);
    expect((await run('pause', b.id)).out).toMatch(/is now paused/);
    expect((await run('cancel', b.id)).out).toMatch(/is now cancelled/);
    const states = engine.listTasks({ batchId: b.id }).map((t) => t.state).sort();
    expect(states).toEqual(['cancelled', 'dlq', 'rejected']);
    await expect(run('retry')).rejects.toThrow(/needs a task id/);
    expect((await run('nonsense')).code).toBe(2);
  });
});
