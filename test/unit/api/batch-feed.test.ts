import { afterEach, describe, expect, it } from 'vitest';
import type { BatchView, TaskSummary } from '../../../preload/api.ts';
import { createBatchFeed } from '../../../main/api/batch-feed.ts';
import { EventBus } from '../../../main/api/event-bus.ts';
import type { AppContext } from '../../../main/core/app-context.ts';
import { createBatch } from '../../../main/pipeline/ledger/batches.ts';
import { listTasks } from '../../../main/pipeline/ledger/tasks.ts';
import { rows, tempLibrary, type TempLibrary } from '../../integration/pipeline/support/fixtures.ts';

let lib: TempLibrary | undefined;
afterEach(() => lib?.cleanup());

describe('batch feed: counters and tiles leave the engine as one snapshot', () => {
  it('pushes the changed rows with the counts of the same moment; folded into the screen, they add up', () => {
    lib = tempLibrary();
    const db = lib.db;
    const bus = new EventBus();
    const pushed: BatchView[] = [];
    bus.subscribe((name, payload) => {
      if (name === 'batch.updated') pushed.push(payload as BatchView);
    });
    const feed = createBatchFeed({ app: { db } as AppContext, bus, fileUrl: (p) => p });
    const b = createBatch(db, { name: 'feed', model: 'm', config: {}, tasks: rows(4), state: 'running' });
    const first = feed.view(b.id);
    expect(first.tasks).toHaveLength(4);

    // Rows land in review, announced as the engine does (one 'task-state' per change); each push
    // carries exactly the changed rows with the counts of the same moment.
    const [t1, t2, t3] = listTasks(db, { batchId: b.id });
    const screen = new Map<string, TaskSummary>(first.tasks.map((t) => [t.id, t]));
    const toReview = (ids: string[]): void => {
      for (const id of ids) {
        db.prepare("UPDATE tasks SET state = 'dlq' WHERE id = ?").run(id);
        feed.taskChanged(b.id, id);
      }
    };
    toReview([t1!.id, t2!.id]);
    feed.publish(b.id);
    toReview([t3!.id]);
    const answer = feed.publish(b.id);
    expect(pushed.map((v) => v.tasks.map((t) => t.id))).toEqual([[t1!.id, t2!.id], [t3!.id]]);
    expect(answer).toEqual(pushed[1]!.batch);

    // Folded into the screen one push at a time: tiles per status equal the counts they came with.
    for (const [i, v] of pushed.entries()) {
      for (const t of v.tasks) screen.set(t.id, t);
      for (const s of v.batch.counts.statuses) expect([...screen.values()].filter((t) => t.status === s.status && t.statusLabel === s.label).length).toBe(s.count);
      expect(v.batch.counts.statuses.find((s) => s.status === 'review')?.count).toBe(i === 0 ? 2 : 3);
    }
    // Nothing left to send.
    feed.publish(b.id);
    expect(pushed[2]!.tasks).toEqual([]);
  });
});
