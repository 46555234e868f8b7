import type { ReviewItem } from '../../../preload/api.ts';
import type { AppServices } from '../app-services.ts';
import type { PipelineEngine } from '../../pipeline/engine.ts';
import { AppError } from '../../core/app-error.ts';
import { requireBatch, requireTask, bestAttempt } from '../../pipeline/ledger-api.ts';
import { batchSummaryDto, reviewDecisionDto, scoresDto, taskDetailDto, taskStats, taskSummaryDto } from '../dto/pipeline-dto.ts';
import type { BatchFeed } from '../batch-feed.ts';
import { metricsSnapshot } from '../../runtime/metrics-snapshot.ts';
import { actor } from '../../core/actor.ts';
import type { BatchConfig } from '../../pipeline/records/batch-config.ts';

/** Batches, tasks, the review queue (DLQ) and metrics: thin adapters over the pipeline engine. */
export function registerPipelineHandlers(s: AppServices, engine: PipelineEngine, feed: BatchFeed): void {
  const db = s.app.db;
  const batchDto = (id: string) => batchSummaryDto(db, requireBatch(db, id));
  const taskDto = (id: string) => taskSummaryDto(requireTask(db, id), taskStats(db, id), s.fileUrl);

  // Control actions answer with the summary they pushed (with the rows they changed), so the
  // screen's counters and tiles move together; batches.get only reads.
  const pushed = (id: string) => feed.publish(id) ?? batchDto(id);
  s.registry.handle('batches.get', ({ id }) => batchDto(id));
  s.registry.handle('batches.tasks', ({ id }) => feed.view(id));
  s.registry.handle('batches.pause', ({ id }) => (engine.pauseBatch(id), pushed(id)));
  s.registry.handle('batches.resume', ({ id }) => {
    const b = requireBatch(db, id);
    if (b.state === 'draft') engine.startBatch(id);
    else engine.resumeBatch(id);
    return pushed(id);
  });
  s.registry.handle('batches.cancel', ({ id }) => (engine.cancelBatch(id), pushed(id)));
  s.registry.handle('batches.setPriority', ({ id, priority }) => (engine.setBatchPriority(id, priority), pushed(id)));

  s.registry.handle('tasks.get', ({ id }) => {
    const t = requireTask(db, id);
    return taskDetailDto(db, t, requireBatch(db, t.batchId).config, s.fileUrl);
  });
  s.registry.handle('tasks.setPriority', ({ ids, priority }) => {
    for (const id of ids) engine.setTaskPriority(id, priority);
    return { updated: ids.length };
  });
  s.registry.handle('tasks.release', ({ ids, action }) => {
    for (const id of ids) {
      if (action === 'release') engine.releaseHeld(id);
      else engine.dropHeld(id);
    }
    return { updated: ids.length };
  });

  s.registry.handle('review.list', () => {
    const tasks = engine.listTasks({ states: ['dlq'] });
    const batchNames = new Map<string, { name: string; refs: string[]; config: BatchConfig }>();
    return tasks.map((t): ReviewItem => {
      let b = batchNames.get(t.batchId);
      if (!b) {
        const batch = requireBatch(db, t.batchId);
        const refs = batch.profileId
          ? (db.prepare('SELECT path FROM profile_refs WHERE profile_id = ? ORDER BY position').all(batch.profileId) as { path: string }[]).map((r) => s.fileUrl(r.path))
          : [];
        b = { name: batch.name, refs, config: batch.config };
        batchNames.set(t.batchId, b);
      }
      const best = bestAttempt(db, t.id);
      return {
        taskId: t.id, batchId: t.batchId, batchName: b.name, name: t.name, prompt: t.prompt,
        reason: t.lastError ?? 'did not reach the style threshold',
        imageUrl: best?.imagePath ? s.fileUrl(best.imagePath) : null,
        scores: scoresDto(best?.scores ?? null, b.config), refUrls: b.refs, attempts: taskStats(db, t.id).n, attempt: best?.n ?? null,
      };
    });
  });
  s.registry.handle('review.approve', async ({ taskIds, attempt }, ctx) => {
    if (attempt !== undefined && taskIds.length !== 1) throw new AppError('BadInput', 'choosing an attempt to approve works for one row at a time');
    let approved = 0;
    for (const id of taskIds) {
      await engine.approveTask(id, { ...(attempt !== undefined ? { attempt } : {}), by: actor(ctx.transport) });
      approved++;
    }
    return { approved };
  });
  s.registry.handle('review.reject', ({ taskIds }, ctx) => {
    for (const id of taskIds) engine.rejectTask(id, 'rejected in review', actor(ctx.transport));
    return { rejected: taskIds.length };
  });
  s.registry.handle('review.rerun', ({ taskId, prompt, negativePrompt, params }, ctx) => {
    engine.retryTask(
      taskId,
      {
        ...(prompt !== undefined ? { prompt } : {}),
        ...(negativePrompt !== undefined ? { negativePrompt } : {}),
        ...(params ? { params } : {}),
      },
      actor(ctx.transport),
    );
    return taskDto(taskId);
  });
  s.registry.handle('review.undo', async ({ decisionId }) => reviewDecisionDto(await engine.undoDecision(decisionId), db));
  s.registry.handle('review.history', ({ taskId, batchId, limit }) =>
    engine.listDecisions({ ...(taskId ? { taskId } : {}), ...(batchId ? { batchId } : {}), limit }).map((d) => reviewDecisionDto(d, db)),
  );

  s.registry.handle('metrics.get', (arg) => metricsSnapshot(s, arg?.batchId ?? null));
}
