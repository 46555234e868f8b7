import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** What `new Worker(code, { eval: true })` runs to start the inference worker. */
export interface WorkerEntry {
  /** ESM-capable bootstrap source, run with `eval: true`. */
  code: string;
}

/**
 * How to start the inference worker. The entry is TypeScript, run through tsx so the same code
 * works under vitest, the tsx-run CLI and plain node. On Node 20 `execArgv: ['--import', tsx]`
 * does not apply loader hooks to a worker's entry ("Unknown file extension .ts"), so the
 * bootstrap registers tsx's ESM hooks inside the worker (tsx/esm/api `register()`) and then
 * imports the .ts entry. A bundled build replaces only this function (plain `import(url)` of
 * its compiled .mjs).
 */
declare global {
  // Defined as true by scripts/build.mjs in the Electron bundle.
  var __ASSETQL_BUNDLED__: boolean | undefined;
}

export function inferenceWorkerEntry(): WorkerEntry {
  if (globalThis.__ASSETQL_BUNDLED__) {
    // In dist/electron the worker is a compiled sibling bundle of main.mjs.
    return { code: `import(${JSON.stringify(new URL('./workers/inference.worker.mjs', import.meta.url).href)});` };
  }
  const entry = new URL('../../workers/inference.worker.ts', import.meta.url).href;
  const tsxApi = resolveModuleUrl('tsx/esm/api');
  return {
    code: `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
  };
}

function resolveModuleUrl(specifier: string): string {
  // import.meta.resolve exists in plain Node ≥ 20.6 ESM but not in every test runner's module
  // wrapper; createRequire resolves the same package export as a fallback.
  try {
    if (typeof import.meta.resolve === 'function') return import.meta.resolve(specifier);
  } catch {
    // fall through
  }
  return pathToFileURL(createRequire(import.meta.url).resolve(specifier)).href;
}
