/**
 * Set once at every entry point (CLI, Electron main, worker pool), on the main thread, so native
 * libraries loaded later — also in worker threads, which share the real environment — see it:
 * onnxruntime's telemetry stays off and nothing is written outside the data folder, the export
 * folder and the temp folders the app cleans (see workers/onnx/telemetry-off.ts for what ORT
 * would write otherwise).
 */
export const QUIET_RUNTIME_ENV = { ORT_DISABLE_TELEMETRY: '1' } as const;

export function quietNativeRuntimes(env: NodeJS.ProcessEnv = process.env): void {
  Object.assign(env, QUIET_RUNTIME_ENV);
}

quietNativeRuntimes();
