import { createHash } from 'node:crypto';

export interface TaskKeyInput {
  batchId: string;
  rowIndex: number;
  prompt: string;
  profileVersion: number | null;
  seed: number;
  model: string;
}

/**
 * sha256(batch, row, prompt, profile version, seed, model): the idempotency key of a task's
 * effect. The store stage finds an existing asset by it, so a re-run after a crash between
 * "asset stored" and "ledger updated" never makes a second asset. JSON keeps fields unambiguous.
 */
export function computeTaskKey(k: TaskKeyInput): string {
  const canonical = JSON.stringify([k.batchId, k.rowIndex, k.prompt, k.profileVersion, k.seed, k.model]);
  return createHash('sha256').update(canonical).digest('hex');
}
