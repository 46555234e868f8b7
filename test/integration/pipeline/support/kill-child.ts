/**
 * Child process for the kill-and-resume test: runs (or resumes) the batch identified by its run
 * key in the given data folder, then exits 0. The parent SIGKILLs it mid-batch.
 * Usage: node --import tsx kill-child.ts <dataDir> <rows> <stepMs>
 */
import { resolveDataDir } from '../../../../main/core/data-dir.ts';
import { openDatabase } from '../../../../main/db/database.ts';
import { createPipeline } from '../../../../main/pipeline/engine.ts';
import { findBatchByRunKey } from '../../../../main/pipeline/ledger/batches.ts';
import { colourStages } from './colour-stages.ts';
import { rows } from './fixtures.ts';

const [dir, n, stepMs] = process.argv.slice(2);
const dataDir = resolveDataDir(dir);
const db = openDatabase(dataDir.dbPath);
const engine = createPipeline({
  db,
  stages: colourStages({ db, dataDir, stepMs: Number(stepMs) }),
  config: { backoffBaseMs: 5, idlePollMs: 20, validateConcurrency: 2, postConcurrency: 2 },
});
await engine.start();
const existing = findBatchByRunKey(db, 'kill-test');
const batch =
  existing ??
  engine.createBatch({ name: 'kill', model: 'test-colour-v1', runKey: 'kill-test', source: 'cli', config: { thresholds: { style: 0.55 }, retries: 3 }, tasks: rows(Number(n), 48, 3), start: true });
if (batch.state === 'paused') engine.resumeBatch(batch.id);
process.stdout.write(`started ${batch.id}\n`);
const s = await engine.waitForBatch(batch.id);
await engine.stop();
db.close();
process.stdout.write(`finished ${s.batch.state}\n`);
process.exit(0);
