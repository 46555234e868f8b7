import type { Database } from 'better-sqlite3';
import { statusInfo, taskStatus, type AttemptDto, type BatchSummary, type DecisionRates, type ReviewDecisionDto, type StyleScoresDto, type TaskDetail, type TaskSummary } from '../../../preload/api.ts';
import { attemptProducers, type AttemptProducer } from '../../distributed/attempt-producer.ts';
import type { FileUrl } from '../../core/file-urls.ts';
import type { AttemptRecord, BatchRecord, TaskRecord } from '../../pipeline/types.ts';
import { type ReviewDecision, listAttempts } from '../../pipeline/ledger-api.ts';
import { countStatuses } from '../../pipeline/status-counts.ts';
import { computeMetrics, type PipelineMetrics } from '../../pipeline/metrics.ts';
import { decidePass } from '../../pipeline/records/decide-pass.ts';
import type { BatchConfig } from '../../pipeline/records/batch-config.ts';
import type { StyleScores } from '../../pipeline/records/style-scores.ts';

/** Pipeline records → the contract's DTOs (dates as ISO strings, paths as URLs). */

export function batchSummaryDto(db: Database, b: BatchRecord): BatchSummary {
  const counts = countStatuses(db, b.id);
  const m = computeMetrics(db, b.id);
  const eta = b.state === 'running' ? m.etaMs : null;
  const extra = db.prepare(`SELECT b.archived_at AS archivedAt, b.duplicated_from AS duplicatedFrom,
      (SELECT p.name FROM profiles p WHERE p.id = b.profile_id ORDER BY p.version DESC LIMIT 1) AS profileName
    FROM batches b WHERE b.id = ?`).get(b.id) as { archivedAt: number | null; duplicatedFrom: string | null; profileName: string | null } | undefined;
  return {
    id: b.id, name: b.name, state: b.state, priority: b.priority, createdAt: iso(b.createdAt), counts,
    etaSeconds: eta === null ? null : Math.round(eta / 1000), profileId: b.profileId, profileVersion: b.profileVersion,
    profileName: extra?.profileName ?? null, packId: b.config.packId, source: b.source,
    archived: extra?.archivedAt != null, duplicatedFrom: extra?.duplicatedFrom ?? null,
    pauseReason: b.state === 'paused' ? b.pauseReason : null, config: b.config, rates: decisionRates(m, db, b.id),
  };
}

/** The ledger's decisions as rates: the dashboard, the batch list and the CLI summary show these. */
export function decisionRates(m: PipelineMetrics, db?: Database, batchId?: string): DecisionRates {
  const d = m.decisions;
  const retried = db && batchId ? (db.prepare('SELECT COUNT(*) AS n FROM tasks WHERE batch_id = ? AND style_retries > 0').get(batchId) as { n: number }).n : 0;
  return {
    finished: d.finished, passed: d.passed, approved: d.approved, review: d.review, rejected: d.rejected, retried,
    passRate: m.passRate, approvedRate: m.approvedRate, reviewRate: m.dlqRate, retryRate: m.retryRate,
  };
}

interface AttemptStats { n: number; score: number | null; image: string | null; assetThumb?: string | null; worker?: string | null }

/** Attempt counts and the latest style score for every task of a batch, in one query. */
export function attemptStats(db: Database, batchId: string): Map<string, AttemptStats> {
  const rows = db.prepare(`
    SELECT a.task_id AS taskId, count(*) AS n,
      (SELECT json_extract(a2.scores, '$.styleScore') FROM attempts a2
        WHERE a2.task_id = a.task_id AND a2.scores IS NOT NULL ORDER BY a2.n DESC LIMIT 1) AS score,
      (SELECT a3.image_path FROM attempts a3 WHERE a3.task_id = a.task_id AND a3.image_path IS NOT NULL ORDER BY a3.n DESC LIMIT 1) AS image,
      (SELECT s.thumb_rel_path FROM assets s WHERE s.id = t.asset_id) AS assetThumb,
      (SELECT COALESCE(a4.worker_host, a4.worker) FROM attempts a4 WHERE a4.task_id = a.task_id AND a4.worker IS NOT NULL ORDER BY a4.n DESC LIMIT 1) AS worker
    FROM attempts a JOIN tasks t ON t.id = a.task_id WHERE t.batch_id = ? GROUP BY a.task_id`).all(batchId) as { taskId: string; n: number; score: number | null; image: string | null; assetThumb: string | null; worker: string | null }[];
  return new Map(rows.map((r) => [r.taskId, { n: r.n, score: r.score, image: r.image, assetThumb: r.assetThumb, worker: r.worker }]));
}

export function taskStats(db: Database, taskId: string): AttemptStats {
  const r = db.prepare(`SELECT count(*) AS n,
      (SELECT json_extract(scores, '$.styleScore') FROM attempts WHERE task_id = @id AND scores IS NOT NULL ORDER BY n DESC LIMIT 1) AS score,
      (SELECT image_path FROM attempts WHERE task_id = @id AND image_path IS NOT NULL ORDER BY n DESC LIMIT 1) AS image,
      (SELECT s.thumb_rel_path FROM assets s JOIN tasks t ON s.id = t.asset_id WHERE t.id = @id) AS assetThumb,
      (SELECT COALESCE(worker_host, worker) FROM attempts WHERE task_id = @id AND worker IS NOT NULL ORDER BY n DESC LIMIT 1) AS worker
    FROM attempts WHERE task_id = @id`).get({ id: taskId }) as AttemptStats;
  return r;
}

export function taskSummaryDto(t: TaskRecord, stats: AttemptStats | undefined, fileUrl: FileUrl): TaskSummary {
  // The same mapping countStatuses() counts by, so the tile and the counters agree.
  const status = taskStatus(t.state, t.held);
  return {
    id: t.id, batchId: t.batchId, row: t.rowIndex, name: t.name, state: t.state, status, statusLabel: statusInfo(status).label, held: t.held, priority: t.priority,
    attempts: stats?.n ?? 0, styleScore: stats?.score ?? null, decision: t.decision,
    // Only a file that exists gets a URL (no request before then): the stored asset's recorded
    // thumbnail, else the latest attempt's image (recorded after its atomic write), else none.
    thumbUrl: stats?.assetThumb ? fileUrl(stats.assetThumb) : stats?.image ? fileUrl(stats.image) : null,
    error: t.lastError,
    worker: stats?.worker ?? null,
  };
}

/** Scores + THE verdict (decidePass against the batch's config); the renderer shows it as is. */
export function scoresDto(scores: StyleScores | null, config: Pick<BatchConfig, 'thresholds'>): StyleScoresDto | null {
  if (!scores) return null;
  const d = decidePass(scores, config);
  return {
    styleScore: scores.styleScore,
    clipSimilarity: scores.clipSimilarity,
    colourDistance: scores.colourDistance,
    edgeSimilarity: scores.edgeSimilarity,
    metrics: d.metrics,
    pass: d.pass,
    checks: d.checks,
    reasons: d.reasons,
  };
}

export function attemptDto(a: AttemptRecord, config: BatchConfig, fileUrl: FileUrl, producer?: AttemptProducer): AttemptDto {
  const cand = a.params['candidate'] as { index?: number; of?: number } | undefined;
  return {
    n: a.n, kind: a.kind, prompt: a.prompt, negativePrompt: a.negativePrompt, params: a.params, outcome: a.outcome,
    candidate: cand && typeof cand.index === 'number' && typeof cand.of === 'number' ? { index: cand.index, of: cand.of } : null,
    scores: scoresDto(a.scores, config), error: a.error, imageUrl: a.imagePath ? fileUrl(a.imagePath) : null, gpuMs: a.gpuMs,
    startedAt: iso(a.startedAt), endedAt: a.endedAt === null ? null : iso(a.endedAt),
    worker: producer?.worker ?? null, workerHost: producer?.host ?? null, provider: producer?.provider ?? null,
  };
}

export function taskDetailDto(db: Database, t: TaskRecord, config: BatchConfig, fileUrl: FileUrl): TaskDetail {
  const attempts = listAttempts(db, t.id);
  const producers = attemptProducers(db, t.id);
  const last = [...attempts].reverse().find((a) => a.styleScore !== null);
  return {
    ...taskSummaryDto(t, { n: attempts.length, score: last?.styleScore ?? null, image: [...attempts].reverse().find((a) => a.imagePath)?.imagePath ?? null }, fileUrl),
    prompt: t.prompt, negativePrompt: t.negativePrompt, params: t.params, preflightConfidence: t.preflightConfidence,
    assetId: t.assetId, attemptsList: attempts.map((a) => attemptDto(a, config, fileUrl, producers.get(a.n))),
  };
}

export const iso = (ms: number): string => new Date(ms).toISOString();


/** A recorded review decision; `undoable` is true for the newest not-undone decision of its row. */
export function reviewDecisionDto(d: ReviewDecision, db: Database): ReviewDecisionDto {
  const newest = db.prepare('SELECT id FROM review_decisions WHERE task_id = ? AND undone_at IS NULL ORDER BY at DESC, id DESC LIMIT 1').get(d.taskId) as { id: number } | undefined;
  return {
    id: d.id, taskId: d.taskId, batchId: d.batchId, action: d.action, attempt: d.attemptN, assetId: d.assetId, prompt: d.prompt, by: d.by,
    at: iso(d.at), undoneAt: d.undoneAt === null ? null : iso(d.undoneAt), undoable: d.undoneAt === null && newest?.id === d.id,
  };
}
