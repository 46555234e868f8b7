import type { Database } from 'better-sqlite3';

/** Who made an attempt: recorded once here, read by the drawer, dashboard and recipe. */
export interface AttemptProducer {
  worker: string | null;
  host: string | null;
  provider: string | null;
}

export function recordAttemptProducer(db: Database, taskId: string, n: number, p: AttemptProducer & { workerGenMs?: number | null }): void {
  db.prepare('UPDATE attempts SET worker = ?, worker_host = ?, provider = ?, worker_gen_ms = ? WHERE task_id = ? AND n = ?').run(
    p.worker,
    p.host,
    p.provider,
    p.workerGenMs == null ? null : Math.round(p.workerGenMs),
    taskId,
    n,
  );
}

/** Producers of a task's attempts by attempt number. */
export function attemptProducers(db: Database, taskId: string): Map<number, AttemptProducer> {
  const rows = db.prepare('SELECT n, worker, worker_host AS host, provider FROM attempts WHERE task_id = ?').all(taskId) as ({ n: number } & AttemptProducer)[];
  return new Map(rows.map((r) => [r.n, { worker: r.worker, host: r.host, provider: r.provider }]));
}

/** The producer of the attempt that passed (what the stored asset's recipe records). */
export function passedAttemptProducer(db: Database, taskId: string): AttemptProducer | undefined {
  return db
    .prepare(`SELECT worker, worker_host AS host, provider FROM attempts WHERE task_id = ? AND outcome = 'passed' ORDER BY n DESC LIMIT 1`)
    .get(taskId) as AttemptProducer | undefined;
}

/** Images per worker over the last window (dashboard throughput per worker). */
export function throughputByWorker(db: Database, windowMs = 10 * 60_000, now = Date.now()): { worker: string; host: string | null; images: number; perMin: number }[] {
  const rows = db
    .prepare(
      `SELECT COALESCE(worker, 'local') AS worker, MAX(worker_host) AS host, COUNT(*) AS images FROM attempts
       WHERE ended_at >= ? AND outcome IN ('passed', 'failed') GROUP BY COALESCE(worker, 'local') ORDER BY images DESC`,
    )
    .all(now - windowMs) as { worker: string; host: string | null; images: number }[];
  return rows.map((r) => ({ ...r, perMin: r.images / (windowMs / 60_000) }));
}
