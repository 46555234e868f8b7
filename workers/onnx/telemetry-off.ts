/**
 * onnxruntime-node 1.30 ships Microsoft's 1DS telemetry: on every process that loads it, it
 * writes a device id and an event database under ~/.cache/Microsoft/DeveloperTools/.onnxruntime/
 * (or $XDG_CACHE_HOME) and `mat-debug-<pid>.log` + `.ses` into the temp folder. The library
 * reads ORT_DISABLE_TELEMETRY from the process environment when it loads; with it set nothing
 * is written (checked with HOME and TMPDIR pointed at empty folders). This module is imported
 * before onnxruntime-node wherever it loads, and the main thread sets the same variable at
 * startup (main/core/quiet-runtime.ts), because a worker thread's process.env is a copy that
 * the native getenv() never sees.
 */
export const ORT_TELEMETRY_ENV = { ORT_DISABLE_TELEMETRY: '1' } as const;

Object.assign(process.env, ORT_TELEMETRY_ENV);
