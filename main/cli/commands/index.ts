import type { Command } from '../command.ts';
import { serveCommand } from './serve.ts';
import { runCommand } from './run.ts';
import { promptsCommand } from './prompts.ts';
import { dnaCommand } from './dna.ts';
import { scoreCommand } from './score.ts';
import { modelsCommand } from './models.ts';
import { doctorCommand } from './doctor.ts';
import { gpuCommand } from './gpu.ts';
import { searchCommand } from './search.ts';
import { similarCommand } from './similar.ts';
import { libraryCommand } from './library.ts';
import { exportCommand } from './export.ts';
import { syncCommand } from './sync.ts';
import { batchCommand } from './batch.ts';
import { workerCommand } from './worker.ts';
import { workersCommand } from './workers.ts';

/** Every CLI command, in the order `assetql --help` lists them (the production flow's order). */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  runCommand,
  batchCommand,
  promptsCommand,
  dnaCommand,
  scoreCommand,
  modelsCommand,
  doctorCommand,
  gpuCommand,
  searchCommand,
  similarCommand,
  libraryCommand,
  exportCommand,
  syncCommand,
  workerCommand,
  workersCommand,
];
