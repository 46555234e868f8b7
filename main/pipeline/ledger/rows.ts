import { readBatchConfig, type BatchConfig } from '../records/batch-config.ts';
import { readStyleScores } from '../records/style-scores.ts';
import type { AttemptKind, AttemptOutcome, AttemptPlan, AttemptRecord, BatchRecord, BatchState, GenerationParams, TaskDecision, TaskRecord, TaskState } from '../types.ts';

/** Raw SQLite rows of the 003/006 tables and their mapping to records. */
export interface BatchRow {
  id: string;
  name: string;
  state: string;
  priority: number;
  config: string;
  template: string | null;
  profile_id: string | null;
  profile_version: number | null;
  csv_name: string | null;
  csv_sha256: string | null;
  source: string;
  run_key: string | null;
  pause_reason: string | null;
  gpu_ms: number;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface TaskRow {
  id: string;
  batch_id: string;
  row_index: number;
  task_key: string;
  name: string;
  prompt: string;
  negative_prompt: string;
  params: string;
  category: string | null;
  source_row: string;
  state: string;
  priority: number;
  style_retries: number;
  transient_retries: number;
  preflight_confidence: number | null;
  held: number;
  asset_id: string | null;
  decision: string | null;
  last_error: string | null;
  not_before: number;
  lease_until: number | null;
  lease_owner: string | null;
  next_attempt: string | null;
  created_at: number;
  updated_at: number;
}

export interface AttemptRow {
  id: number;
  task_id: string;
  n: number;
  kind: string;
  prompt: string;
  negative_prompt: string;
  params: string;
  outcome: string | null;
  scores: string | null;
  error_kind: string | null;
  error: string | null;
  image_path: string | null;
  gpu_ms: number | null;
  timings: string | null;
  started_at: number;
  ended_at: number | null;
}

export function toBatch(r: BatchRow): BatchRecord {
  return {
    id: r.id,
    name: r.name,
    state: r.state as BatchState,
    priority: r.priority,
    config: configOf(r.config),
    pauseReason: r.pause_reason ?? null,
    template: r.template,
    profileId: r.profile_id,
    profileVersion: r.profile_version,
    csvName: r.csv_name,
    csvSha256: r.csv_sha256,
    source: r.source,
    runKey: r.run_key,
    gpuMs: r.gpu_ms,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

export function toTask(r: TaskRow): TaskRecord {
  return {
    id: r.id,
    batchId: r.batch_id,
    rowIndex: r.row_index,
    taskKey: r.task_key,
    name: r.name,
    prompt: r.prompt,
    negativePrompt: r.negative_prompt,
    params: JSON.parse(r.params) as GenerationParams,
    category: r.category,
    sourceRow: JSON.parse(r.source_row) as Record<string, string>,
    state: r.state as TaskState,
    priority: r.priority,
    styleRetries: r.style_retries,
    transientRetries: r.transient_retries,
    preflightConfidence: r.preflight_confidence,
    held: r.held === 1,
    assetId: r.asset_id,
    decision: (r.decision as TaskDecision | null) ?? null,
    lastError: r.last_error,
    notBefore: r.not_before,
    leaseUntil: r.lease_until,
    leaseOwner: r.lease_owner,
    nextAttempt: r.next_attempt ? (JSON.parse(r.next_attempt) as AttemptPlan) : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toAttempt(r: AttemptRow): AttemptRecord {
  const scores = r.scores ? readStyleScores(JSON.parse(r.scores)) : null;
  return {
    id: r.id,
    taskId: r.task_id,
    n: r.n,
    kind: r.kind as AttemptKind,
    prompt: r.prompt,
    negativePrompt: r.negative_prompt,
    params: JSON.parse(r.params) as GenerationParams,
    outcome: r.outcome as AttemptOutcome | null,
    scores,
    styleScore: scores?.styleScore ?? null,
    errorKind: r.error_kind,
    error: r.error,
    imagePath: r.image_path,
    gpuMs: r.gpu_ms,
    timings: r.timings ? (JSON.parse(r.timings) as Record<string, number>) : null,
    startedAt: r.started_at,
    endedAt: r.ended_at,
  };
}

/** Parsed configs by their JSON text: a batch's config never changes, and the engine reads it per claim. */
const configCache = new Map<string, BatchConfig>();
function configOf(json: string): BatchConfig {
  let c = configCache.get(json);
  if (!c) {
    c = readBatchConfig(json);
    if (configCache.size > 256) configCache.clear();
    configCache.set(json, c);
  }
  return c;
}
