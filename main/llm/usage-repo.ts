import type { Database } from 'better-sqlite3';
import { costUsd } from './pricing.ts';

export type LlmPurpose = 'polish' | 'tagging';

export interface LlmUsageInput {
  batchId: string | null;
  purpose: LlmPurpose;
  model: string;
  inputTokens: number;
  outputTokens: number;
}

export interface LlmUsageTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** One row per API response, cost computed from the price table at the time of the call. */
export function recordLlmUsage(db: Database, u: LlmUsageInput, now = Date.now()): number {
  const cost = costUsd(u.model, u.inputTokens, u.outputTokens);
  db.prepare(
    `INSERT INTO llm_usage (batch_id, purpose, model, input_tokens, output_tokens, cost_usd, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(u.batchId, u.purpose, u.model, u.inputTokens, u.outputTokens, cost, now);
  return cost;
}

export function batchLlmUsage(db: Database, batchId: string, purpose?: LlmPurpose): LlmUsageTotals {
  const row = db
    .prepare(
      `SELECT COUNT(*) AS requests, COALESCE(SUM(input_tokens),0) AS inputTokens, COALESCE(SUM(output_tokens),0) AS outputTokens,
              COALESCE(SUM(cost_usd),0) AS costUsd
       FROM llm_usage WHERE batch_id = ? AND (? IS NULL OR purpose = ?)`,
    )
    .get(batchId, purpose ?? null, purpose ?? null) as LlmUsageTotals;
  return row;
}
