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
});
