import type { Database } from 'better-sqlite3';
import { countTasks, type StateCounts } from './ledger/batches.ts';
import { stmt } from './ledger/statements.ts';

export interface ScoreHistogram {
  /** bins + 1 ascending edges from 0 to 1; the last bin includes 1. */
  edges: number[];
  counts: number[];
}

export interface PipelineMetrics {
  /** Batch id, or null for every batch. */
  batchId: string | null;
  at: number;
  total: number;
  counts: StateCounts;
  held: number;
  done: number;
  /** Claimable work waiting (queued + retry, not held). */
  queueDepth: number;
  inFlight: number;
  /** Final-state tasks per minute over the recent window. */
  throughputPerMin: number;
  etaMs: number | null;
  /** What the ledger decided for finished rows (auto-passed, approved by hand, in review, rejected). */
  decisions: DecisionCounts;
  /** Shares of finished rows: passed by the engine / in review; approvals are counted apart (approvedRate), never as passes. retryRate = share of tasks with ≥ 1 style retry among those tried. */
  passRate: number;
  approvedRate: number;
  retryRate: number;
  dlqRate: number;
  /** Share of closed attempts that ended in an error (transient or fatal). */
  errorRate: number;
  attempts: number;
  scoreHistogram: ScoreHistogram;
  gpuSeconds: number;
  llm: { inputTokens: number; outputTokens: number; costUsd: number };
  elapsedMs: number;
}

const FINAL = ['ready', 'dlq', 'rejected', 'dropped', 'cancelled'] as const;

export interface DecisionCounts {
  /** Rows with a decision: passed + approved + review + rejected. */
  finished: number;
  passed: number;
  approved: number;
  review: number;
  rejected: number;
}

/** Counts the ledger's decisions (tasks.decision with the state that holds it). */
export function countDecisions(db: Database, batchId: string | null): DecisionCounts {
  const sql = `SELECT
      COALESCE(SUM(state = 'ready' AND decision IS NOT 'approved'), 0) AS passed,
      COALESCE(SUM(state = 'ready' AND decision = 'approved'), 0) AS approved,
      COALESCE(SUM(state = 'dlq'), 0) AS review,
      COALESCE(SUM(state = 'rejected'), 0) AS rejected
    FROM tasks ${batchId ? 'WHERE batch_id = ?' : ''}`;
  const r = stmt(db, sql).get(...(batchId ? [batchId] : [])) as Omit<DecisionCounts, 'finished'>;
  return { ...r, finished: r.passed + r.approved + r.review + r.rejected };
}

/**
 * Metrics read straight from the ledger, so they are right after a restart and identical for
 * the engine, the CLI and the UI. A handful of indexed aggregate queries (well under 1 ms for
 * thousands of tasks); callers throttle how often they ask.
 */
export function computeMetrics(db: Database, batchId: string | null, opts: { now?: number; windowMs?: number; bins?: number } = {}): PipelineMetrics {
  const now = opts.now ?? Date.now();
  const windowMs = opts.windowMs ?? 5 * 60_000;
  const bins = opts.bins ?? 10;
  const { byState, held, total } = countTasks(db, batchId ?? undefined);
  const done = FINAL.reduce((s, k) => s + byState[k], 0);
  const heldQueued = (
    (batchId
      ? stmt(db, `SELECT COUNT(*) AS n FROM tasks WHERE batch_id = ? AND held = 1 AND state IN ('queued','retry')`).get(batchId)
      : stmt(db, `SELECT COUNT(*) AS n FROM tasks WHERE held = 1 AND state IN ('queued','retry')`).get()) as { n: number }
  ).n;
  const queueDepth = byState.queued + byState.retry - heldQueued;
  const inFlight = byState.generating + byState.validating + byState.failed + byState.passed + byState.tagging;

  const scope = batchId ? 'AND t.batch_id = ?' : '';
  const scopeArgs = batchId ? [batchId] : [];
  const att = stmt(
    db,
    `SELECT COUNT(*) AS n, SUM(a.outcome = 'error') AS errors, MIN(a.started_at) AS first
     FROM attempts a JOIN tasks t ON t.id = a.task_id WHERE a.outcome IS NOT NULL AND a.outcome != 'cancelled' ${scope}`,
  ).get(...scopeArgs) as { n: number; errors: number | null; first: number | null };
  const firstStart = stmt(db, `SELECT MIN(a.started_at) AS first FROM attempts a JOIN tasks t ON t.id = a.task_id WHERE 1 = 1 ${scope}`).get(...scopeArgs) as {
    first: number | null;
  };
  const since = Math.max(now - windowMs, firstStart.first ?? now);
  const recent = stmt(
    db,
    `SELECT COUNT(*) AS n FROM tasks t WHERE t.state IN ('ready','dlq','rejected','dropped') AND t.updated_at >= ? ${scope}`,
  ).get(since, ...scopeArgs) as { n: number };
  const spanMin = Math.max((now - since) / 60_000, 1 / 600);
  const throughputPerMin = firstStart.first == null ? 0 : recent.n / spanMin;
  const remaining = total - done - held;
  const etaMs = remaining <= 0 ? 0 : throughputPerMin > 0 ? (remaining / throughputPerMin) * 60_000 : null;

  const tried = stmt(
    db,
    `SELECT COUNT(*) AS n, SUM(t.style_retries > 0) AS retried FROM tasks t WHERE EXISTS (SELECT 1 FROM attempts a WHERE a.task_id = t.id) ${scope}`,
  ).get(...scopeArgs) as { n: number; retried: number | null };
  const decisions = countDecisions(db, batchId);
  const finished = decisions.finished;

  const edges = Array.from({ length: bins + 1 }, (_, i) => i / bins);
  const counts = new Array<number>(bins).fill(0);
  const scores = stmt(
    db,
    `SELECT MIN(${bins - 1}, MAX(0, CAST(json_extract(a.scores, '$.styleScore') * ${bins} AS INTEGER))) AS bin, COUNT(*) AS n
     FROM attempts a JOIN tasks t ON t.id = a.task_id WHERE a.scores IS NOT NULL ${scope} GROUP BY bin`,
  ).all(...scopeArgs) as { bin: number | null; n: number }[];
  for (const s of scores) if (s.bin != null) counts[s.bin] = (counts[s.bin] ?? 0) + s.n;

  const gpu = (
    batchId ? stmt(db, 'SELECT gpu_ms AS ms FROM batches WHERE id = ?').get(batchId) : stmt(db, 'SELECT SUM(gpu_ms) AS ms FROM batches').get()
  ) as { ms: number | null } | undefined;
  const llm = (
    batchId
      ? stmt(db, 'SELECT SUM(input_tokens) AS i, SUM(output_tokens) AS o, SUM(cost_usd) AS c FROM llm_usage WHERE batch_id = ?').get(batchId)
      : stmt(db, 'SELECT SUM(input_tokens) AS i, SUM(output_tokens) AS o, SUM(cost_usd) AS c FROM llm_usage').get()
  ) as { i: number | null; o: number | null; c: number | null };

  return {
    batchId,
    at: now,
    total,
    counts: byState,
    held,
    done,
    queueDepth,
    inFlight,
    throughputPerMin,
    etaMs,
    decisions,
    passRate: finished ? decisions.passed / finished : 0,
    approvedRate: finished ? decisions.approved / finished : 0,
    retryRate: tried.n ? (tried.retried ?? 0) / tried.n : 0,
    dlqRate: finished ? decisions.review / finished : 0,
    errorRate: att.n ? (att.errors ?? 0) / att.n : 0,
    attempts: att.n,
    scoreHistogram: { edges, counts },
    gpuSeconds: (gpu?.ms ?? 0) / 1000,
    llm: { inputTokens: llm.i ?? 0, outputTokens: llm.o ?? 0, costUsd: llm.c ?? 0 },
    elapsedMs: firstStart.first == null ? 0 : now - firstStart.first,
  };
}
