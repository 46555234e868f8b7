import type { Migration } from '../migration.ts';

/**
 * Distributed generation: which machine made each attempt (worker id, host) and with which
 * execution provider, so the batch grid, the attempt drawer, the dashboard's per-worker
 * throughput and the PNG recipe all read one recorded fact. NULL = generated before this
 * existed, or locally without a queue.
 */
export const migration013: Migration = {
  id: 13,
  name: 'distributed',
  up(db) {
    db.exec(`
      ALTER TABLE attempts ADD COLUMN worker TEXT;
      ALTER TABLE attempts ADD COLUMN worker_host TEXT;
      ALTER TABLE attempts ADD COLUMN provider TEXT;
      -- The worker's own generation time, so the queue + store overhead per job is measurable.
      ALTER TABLE attempts ADD COLUMN worker_gen_ms INTEGER;
      CREATE INDEX attempts_by_worker ON attempts(worker, ended_at);
    `);
  },
};
