import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering rules only mean something if a violation actually fails lint: lint real
// snippets at real paths with the project's config and check which rule fires.
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImportErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import layering', () => {
  it('refuses a value import from the contract in the renderer but allows a type import', async () => {
    expect(await restrictedImportErrors('renderer/src/x.ts', "import { requestSchemas } from '../../preload/api.ts';\nvoid requestSchemas;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('renderer/src/x.ts', "import type { AppInfo } from '../../preload/api.ts';\nexport type A = AppInfo;\n")).toHaveLength(0);
    // The status table is contract too: the renderer gets its labels from the engine, not its own copy.
    expect(await restrictedImportErrors('renderer/src/x.ts', "import { TASK_STATUSES } from '../../preload/api-task-status.ts';\nvoid TASK_STATUSES;\n")).toHaveLength(1);
  });

  it('refuses main/ and Node imports in the renderer', async () => {
    expect(await restrictedImportErrors('renderer/src/x.ts', "import { openDatabase } from '../../main/db/database.ts';\nvoid openDatabase;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('renderer/src/x.ts', "import { readFileSync } from 'node:fs';\nvoid readFileSync;\n")).toHaveLength(1);
  });

  it('refuses main/ imports in workers', async () => {
    expect(await restrictedImportErrors('workers/clip/x.ts', "import { AppError } from '../../main/core/app-error.ts';\nvoid AppError;\n")).toHaveLength(1);
  });

  it('allows electron only in main/app and preload', async () => {
    expect(await restrictedImportErrors('main/pipeline/x.ts', "import { app } from 'electron';\nvoid app;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('main/app/x.ts', "import { app } from 'electron';\nvoid app;\n")).toHaveLength(0);
    expect(await restrictedImportErrors('preload/x.ts', "import { ipcRenderer } from 'electron';\nvoid ipcRenderer;\n")).toHaveLength(0);
  });

  it('allows onnxruntime-node only in workers/onnx', async () => {
    expect(await restrictedImportErrors('workers/sdxl/x.ts', "import * as ort from 'onnxruntime-node';\nvoid ort;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('main/inference/x.ts', "import * as ort from 'onnxruntime-node';\nvoid ort;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('workers/onnx/x.ts', "import * as ort from 'onnxruntime-node';\nvoid ort;\n")).toHaveLength(0);
  });

  it('lets only main/pipeline/ import the ledger modules (one writer per table)', async () => {
    const code = "import { transitionTask } from '../pipeline/ledger/tasks.ts';\nvoid transitionTask;\n";
    expect(await restrictedImportErrors('main/runtime/x.ts', code)).toHaveLength(1);
    expect(await restrictedImportErrors('main/api/handlers/x.ts', "import { requireTask } from '../../pipeline/ledger/tasks.ts';\nvoid requireTask;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('main/pipeline/engine/x.ts', "import { transitionTask } from '../ledger/tasks.ts';\nvoid transitionTask;\n")).toHaveLength(0);
    expect(await restrictedImportErrors('main/runtime/x.ts', "import { requireTask } from '../pipeline/ledger-api.ts';\nvoid requireTask;\n")).toHaveLength(0);
  });

  it('lets main/ take from workers/ only the protocol, types and the pure colour math', async () => {
    // A deliberate violation: running image analysis (pixel loops) on the main thread.
    expect(await restrictedImportErrors('main/dna/x.ts', "import { analyseImage } from '../../workers/analysis/analyse-image.ts';\nvoid analyseImage;\n")).toHaveLength(1);
    // Loading onnxruntime through the provider probe, in the Electron shell too.
    expect(await restrictedImportErrors('main/doctor/x.ts', "import { detectProviders } from '../../workers/onnx/providers.ts';\nvoid detectProviders;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('main/app/x.ts', "import { generate } from '../../workers/sdxl/generate.ts';\nvoid generate;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('main/dna/x.ts', "import { decodeImage } from '../../workers/analysis/decode-image';\nvoid decodeImage;\n")).toHaveLength(1);
    // Allowed: the protocol, type-only imports, *-types.ts, the pure colour math.
    expect(await restrictedImportErrors('main/inference/x.ts', "import { WorkerError } from '../../workers/protocol.ts';\nvoid WorkerError;\n")).toHaveLength(0);
    expect(await restrictedImportErrors('main/dna/x.ts', "import type { ImageAnalysis } from '../../workers/analysis/types.ts';\nimport type { DecodedImage } from '../../workers/analysis/decode-image.ts';\nexport type A = [ImageAnalysis, DecodedImage];\n")).toHaveLength(0);
    expect(await restrictedImportErrors('main/runtime/x.ts', "import { resolveProviders } from '../../workers/onnx/provider-types.ts';\nvoid resolveProviders;\n")).toHaveLength(0);
    expect(await restrictedImportErrors('main/dna/x.ts', "import { paletteDistance } from '../../workers/analysis/compare.ts';\nvoid paletteDistance;\n")).toHaveLength(0);
    // Tests and scripts may still import workers directly.
    expect(await restrictedImportErrors('test/unit/x.test.ts', "import { analyseImage } from '../../workers/analysis/analyse-image.ts';\nvoid analyseImage;\n")).toHaveLength(0);
  });

  it('keeps the shared pure modules pure', async () => {
    expect(await restrictedImportErrors('workers/analysis/compare.ts', "import { analyseImage } from './analyse-image.ts';\nvoid analyseImage;\n")).toHaveLength(1);
    expect(await restrictedImportErrors('workers/onnx/provider-types.ts', "import sharp from 'sharp';\nvoid sharp;\n")).toHaveLength(1);
  });
});
