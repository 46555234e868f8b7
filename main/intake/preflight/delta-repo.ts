import type { Database } from 'better-sqlite3';
import type { DeltaReport, MissingAttribute } from './preflight.ts';

/** 'ran': the row started generating with its prompt as it was (the ledger settles it). */
export type DeltaStatus = 'open' | 'accepted' | 'edited' | 'dismissed' | 'ran';

export interface StoredDeltaReport extends DeltaReport {
  id: number;
  batchId: string;
  taskId: string | null;
  status: DeltaStatus;
  createdAt: number;
  resolvedAt: number | null;
}

interface Row {
  id: number;
  batch_id: string;
  task_id: string | null;
  row_index: number;
  prompt: string;
  confidence: number;
  missing: string;
  suggestion: string;
  suggested_confidence: number | null;
  expected_gain: number;
  status: DeltaStatus;
  created_at: number;
  resolved_at: number | null;
}

/** Stores one batch's delta reports in one transaction; returns their ids in order. */
export function saveDeltaReports(db: Database, batchId: string, reports: readonly DeltaReport[], taskIdByRow: ReadonlyMap<number, string> = new Map(), now = Date.now()): number[] {
  const insert = db.prepare(
    `INSERT INTO delta_reports (batch_id, task_id, row_index, prompt, confidence, missing, suggestion, suggested_confidence, expected_gain, status, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
  );
  return db.transaction(() =>
    reports.map((r) =>
      Number(
        insert.run(batchId, taskIdByRow.get(r.row) ?? null, r.row, r.prompt, r.confidence, JSON.stringify(r.missing), r.suggestion, r.suggestedConfidence, r.expectedGain, now)
          .lastInsertRowid,
      ),
    ),
  )();
}

export function listDeltaReports(db: Database, batchId: string, status?: DeltaStatus): StoredDeltaReport[] {
  const rows = db
    .prepare(`SELECT * FROM delta_reports WHERE batch_id = ? AND (? IS NULL OR status = ?) ORDER BY row_index, id`)
    .all(batchId, status ?? null, status ?? null) as Row[];
  return rows.map((r) => ({
    id: r.id,
    batchId: r.batch_id,
    taskId: r.task_id,
    row: r.row_index,
    prompt: r.prompt,
    confidence: r.confidence,
    missing: JSON.parse(r.missing) as MissingAttribute[],
    suggestion: r.suggestion,
    suggestedConfidence: r.suggested_confidence ?? r.confidence,
    expectedGain: r.expected_gain,
    status: r.status,
    createdAt: r.created_at,
    resolvedAt: r.resolved_at,
  }));
}

/** The user's decision on a report (accept the suggestion, edit, or dismiss). */
export function resolveDeltaReport(db: Database, id: number, status: Exclude<DeltaStatus, 'open'>, now = Date.now()): boolean {
  return db.prepare(`UPDATE delta_reports SET status = ?, resolved_at = ? WHERE id = ?`).run(status, now, id).changes === 1;
}
