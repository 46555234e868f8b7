import type { Database } from 'better-sqlite3';
import type { AttemptDto, BatchCounts, BatchSummary, StyleScoresDto, TaskDetail, TaskSummary } from '../../../preload/api.ts';
import type { FileUrl } from '../../core/file-urls.ts';
import type { AttemptRecord, BatchRecord, TaskRecord } from '../../pipeline/types.ts';
import { countTasks } from '../../pipeline/ledger/batches.ts';
import { listAttempts } from '../../pipeline/ledger/attempts.ts';
import { computeMetrics } from '../../pipeline/metrics.ts';

/** Pipeline records → the contract's DTOs (dates as ISO strings, paths as URLs). */

export function batchSummaryDto(db: Database, b: BatchRecord): BatchSummary {
  const { byState, held, total } = countTasks(db, b.id);
  const counts: BatchCounts = {
    total,
    pending: byState.pending + byState.preflight + byState.queued + byState.retry,
    active: byState.generating + byState.validating + byState.passed + byState.tagging + byState.failed,
    ready: byState.ready,
    review: byState.dlq,
    failed: byState.rejected + byState.dropped,
    held,
    cancelled: byState.cancelled,
  };
  const eta = b.state === 'running' ? computeMetrics(db, b.id).etaMs : null;
  const extra = db.prepare(`SELECT b.archived_at AS archivedAt, b.duplicated_from AS duplicatedFrom,
      (SELECT p.name FROM profiles p WHERE p.id = b.profile_id ORDER BY p.version DESC LIMIT 1) AS profileName
    FROM batches b WHERE b.id = ?`).get(b.id) as { archivedAt: number | null; duplicatedFrom: string | null; profileName: string | null } | undefined;
  const packId = typeof b.config['packId'] === 'string' ? b.config['packId'] : typeof b.config['model'] === 'string' ? b.config['model'] : null;
  return {
    id: b.id, name: b.name, state: b.state, priority: b.priority, createdAt: iso(b.createdAt), counts,
    etaSeconds: eta === null ? null : Math.round(eta / 1000), profileId: b.profileId, profileVersion: b.profileVersion,
    profileName: extra?.profileName ?? null, packId, source: b.source,
    archived: extra?.archivedAt != null, duplicatedFrom: extra?.duplicatedFrom ?? null,
  };
}

interface AttemptStats { n: number; score: number | null; image: string | null; assetThumb?: string | null }

/** Attempt counts and the latest style score for every task of a batch, in one query. */
export function attemptStats(db: Database, batchId: string): Map<string, AttemptStats> {
  const rows = db.prepare(`
    SELECT a.task_id AS taskId, count(*) AS n,
      (SELECT json_extract(a2.scores, '$.styleScore') FROM attempts a2
        WHERE a2.task_id = a.task_id AND a2.scores IS NOT NULL ORDER BY a2.n DESC LIMIT 1) AS score,
      (SELECT a3.image_path FROM attempts a3 WHERE a3.task_id = a.task_id AND a3.image_path IS NOT NULL ORDER BY a3.n DESC LIMIT 1) AS image,
      (SELECT s.thumb_rel_path FROM assets s WHERE s.id = t.asset_id) AS assetThumb
    FROM attempts a JOIN tasks t ON t.id = a.task_id WHERE t.batch_id = ? GROUP BY a.task_id`).all(batchId) as { taskId: string; n: number; score: number | null; image: string | null; assetThumb: string | null }[];
  return new Map(rows.map((r) => [r.taskId, { n: r.n, score: r.score, image: r.image, assetThumb: r.assetThumb }]));
}

export function taskStats(db: Database, taskId: string): AttemptStats {
  const r = db.prepare(`SELECT count(*) AS n,
      (SELECT json_extract(scores, '$.styleScore') FROM attempts WHERE task_id = @id AND scores IS NOT NULL ORDER BY n DESC LIMIT 1) AS score,
      (SELECT image_path FROM attempts WHERE task_id = @id AND image_path IS NOT NULL ORDER BY n DESC LIMIT 1) AS image,
      (SELECT s.thumb_rel_path FROM assets s JOIN tasks t ON s.id = t.asset_id WHERE t.id = @id) AS assetThumb
    FROM attempts WHERE task_id = @id`).get({ id: taskId }) as AttemptStats;
  return r;
}

export function taskSummaryDto(t: TaskRecord, stats: AttemptStats | undefined, fileUrl: FileUrl): TaskSummary {
  return {
    id: t.id, batchId: t.batchId, row: t.rowIndex, name: t.name, state: t.state, held: t.held, priority: t.priority,
    attempts: stats?.n ?? 0, styleScore: stats?.score ?? null,
    // Only a file that exists gets a URL (no request before then): the stored asset's recorded
    // thumbnail, else the latest attempt's image (recorded after its atomic write), else none.
    thumbUrl: stats?.assetThumb ? fileUrl(stats.assetThumb) : stats?.image ? fileUrl(stats.image) : null,
    error: t.lastError,
  };
}

export function scoresDto(scores: Record<string, unknown> | null): StyleScoresDto | null {
  if (!scores || typeof scores['styleScore'] !== 'number') return null;
  const num = (k: string): number | null => (typeof scores[k] === 'number' ? (scores[k] as number) : null);
  const pass = scores['pass'];
  const checks: Record<string, boolean> = {};
  if (pass && typeof pass === 'object') for (const [k, v] of Object.entries(pass)) if (typeof v === 'boolean') checks[k] = v;
  const reasons = failureReasons(scores, checks);
  return {
    styleScore: scores['styleScore'] as number,
    clipSimilarity: num('clipSimilarity'),
    colourDistance: num('colourDistance') ?? 0,
    edgeSimilarity: num('edgeSimilarity') ?? 0,
    pass: checks['overall'] ?? false,
    checks,
    reasons,
  };
}

export function attemptDto(a: AttemptRecord, fileUrl: FileUrl): AttemptDto {
  return {
    n: a.n, kind: a.kind, prompt: a.prompt, negativePrompt: a.negativePrompt, params: a.params, outcome: a.outcome,
    scores: scoresDto(a.scores), error: a.error, imageUrl: a.imagePath ? fileUrl(a.imagePath) : null, gpuMs: a.gpuMs,
    startedAt: iso(a.startedAt), endedAt: a.endedAt === null ? null : iso(a.endedAt),
  };
}

export function taskDetailDto(db: Database, t: TaskRecord, fileUrl: FileUrl): TaskDetail {
  const attempts = listAttempts(db, t.id);
  const last = [...attempts].reverse().find((a) => a.styleScore !== null);
  return {
    ...taskSummaryDto(t, { n: attempts.length, score: last?.styleScore ?? null, image: [...attempts].reverse().find((a) => a.imagePath)?.imagePath ?? null }, fileUrl),
    prompt: t.prompt, negativePrompt: t.negativePrompt, params: t.params, preflightConfidence: t.preflightConfidence,
    assetId: t.assetId, attemptsList: attempts.map((a) => attemptDto(a, fileUrl)),
  };
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Plain-language reasons for each failed check, with the measured value and its target. */
function failureReasons(scores: Record<string, unknown>, checks: Record<string, boolean>): string[] {
  const n = (k: string): string => (typeof scores[k] === 'number' ? (scores[k] as number).toFixed(2) : '?');
  const t = (scores['thresholds'] ?? {}) as Record<string, number | undefined>;
  const out: string[] = [];
  if (checks['styleScore'] === false) out.push(`style score ${n('styleScore')} is below the pass mark`);
  if (checks['clipSimilarity'] === false) out.push(`CLIP similarity ${n('clipSimilarity')} < ${(t['clip'] ?? 0.85).toFixed(2)}: the content or rendering style differs from the references`);
  if (checks['colourDistance'] === false) out.push(`colour distance ${n('colourDistance')} > ${t['colour'] ?? 15}: the palette drifts from the references`);
  if (checks['edgeSimilarity'] === false) out.push(`edge similarity ${n('edgeSimilarity')} < ${(t['edge'] ?? 0.8).toFixed(2)}: texture or level of detail differs`);
  if (checks['dimensions'] === false) out.push('the image is not the requested size');
  if (checks['artifacts'] === false) out.push('the image looks blank, near-uniform or clipped');
  return out;
}
