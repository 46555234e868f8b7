import type { Migration } from '../migration.ts';

/**
 * Pipeline additions to the 003 ledger, kept separate so 003 stays as designed:
 * - tasks.lease_owner: which engine holds the lease, so a restart can tell its own dead
 *   leases (same host, dead pid) from a live engine in another process without waiting for
 *   lease_until to run out.
 * - tasks.next_attempt: the persisted plan (kind, prompt, params, escalation) of the next try,
 *   so retries, OOM downsizing and edited re-runs survive a restart unchanged.
 * - batches.run_key: identity of a headless run (csv sha256 + refs + config) so a second
 *   `assetql run` with the same inputs resumes the same batch instead of starting over.
 */
export const migration006: Migration = {
  id: 6,
  name: 'pipeline',
  up(db) {
    db.exec(`
      ALTER TABLE tasks ADD COLUMN lease_owner TEXT;
      ALTER TABLE tasks ADD COLUMN next_attempt TEXT;
      ALTER TABLE batches ADD COLUMN run_key TEXT;
      CREATE INDEX batches_by_run_key ON batches(run_key);
      CREATE INDEX batches_by_state ON batches(state, priority DESC, created_at);
      CREATE INDEX attempts_by_end ON attempts(ended_at);
    `);
  },
};
