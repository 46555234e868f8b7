import type { ReviewItem } from '../../../preload/api.ts';
import type { AppServices } from '../app-services.ts';
import type { PipelineEngine } from '../../pipeline/engine.ts';
import { AppError } from '../../core/app-error.ts';
import { requireBatch } from '../../pipeline/ledger/batches.ts';
import { requireTask } from '../../pipeline/ledger/tasks.ts';
import { bestAttempt } from '../../pipeline/ledger/attempts.ts';
import { attemptStats, batchSummaryDto, scoresDto, taskDetailDto, taskStats, taskSummaryDto } from '../dto/pipeline-dto.ts';
import { metricsSnapshot } from '../../runtime/metrics-snapshot.ts';
import type { BatchConfig } from '../../pipeline/records/batch-config.ts';

/** Batches, tasks, the review queue (DLQ) and metrics: thin adapters over the pipeline engine. */
export function registerPipelineHandlers(s: AppServices, engine: PipelineEngine): void {
  const db = s.app.db;
  const batchDto = (id: string) => batchSummaryDto(db, requireBatch(db, id));
  const taskDto = (id: string) => taskSummaryDto(requireTask(db, id), taskStats(db, id), s.fileUrl);

  s.registry.handle('batches.get', ({ id }) => batchDto(id));
  s.registry.handle('batches.tasks', ({ id }) => {
    requireBatch(db, id);
    const stats = attemptStats(db, id);
    return engine.listTasks({ batchId: id }).map((t) => taskSummaryDto(t, stats.get(t.id), s.fileUrl));
  });
  s.registry.handle('batches.pause', ({ id }) => (engine.pauseBatch(id), batchDto(id)));
  s.registry.handle('batches.resume', ({ id }) => {
    const b = requireBatch(db, id);
    if (b.state === 'draft') engine.startBatch(id);
    else engine.resumeBatch(id);
    return batchDto(id);
  });
  s.registry.handle('batches.cancel', ({ id }) => (engine.cancelBatch(id), batchDto(id)));
  s.registry.handle('batches.setPriority', ({ id, priority }) => (engine.setBatchPriority(id, priority), batchDto(id)));

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
  s.registry.handle('review.approve', async ({ taskIds }) => {
    let approved = 0;
    for (const id of taskIds) {
      await engine.approveTask(id);
      approved++;
    }
    return { approved };
  });
  s.registry.handle('review.reject', ({ taskIds }) => {
    for (const id of taskIds) engine.rejectTask(id, 'rejected in review');
    return { rejected: taskIds.length };
  });
  s.registry.handle('review.rerun', ({ taskId, prompt, negativePrompt, params }) => {
    const t = requireTask(db, taskId);
    if (!['dlq', 'rejected', 'cancelled'].includes(t.state)) throw new AppError('Conflict', `task ${taskId} is ${t.state}; only review, rejected or cancelled tasks can be re-run`);
    engine.retryTask(taskId, {
      ...(prompt !== undefined ? { prompt } : {}),
      ...(negativePrompt !== undefined ? { negativePrompt } : {}),
      ...(params ? { params } : {}),
    });
    return taskDto(taskId);
  });

  s.registry.handle('metrics.get', (arg) => metricsSnapshot(s, arg?.batchId ?? null));
}
