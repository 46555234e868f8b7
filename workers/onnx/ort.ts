/**
 * The ONLY module in the repository that loads onnxruntime-node. Everything else goes through
 * workers/onnx so a different runtime build can be swapped in one place, and so the main process
 * never loads the native binding by accident.
 *
 * When the user enabled CUDA acceleration (main/gpu-runtime), a private copy of onnxruntime-node
 * with the CUDA provider libraries next to its libonnxruntime.so is active and loaded instead of
 * the bundled package (see runtime-location.ts for why a copy). It is picked once per process:
 * the dynamic loader keeps the first libonnxruntime.so.1 it loaded, so switching needs a restart.
 */
// Must come first: ES modules evaluate in import order, and ORT reads the variable as it loads.
import './telemetry-off.ts';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as OrtModule from 'onnxruntime-node';
import { activeRuntime, runtimesRoot } from './runtime-location.ts';

type Ort = typeof OrtModule;
const requireHere = createRequire(import.meta.url);

/** Version of the bundled onnxruntime-node package. */
export function bundledOrtVersion(): string {
  const pkg = requireHere('onnxruntime-node/package.json') as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

function loadOrt(): { ort: Ort; runtimeDir: string | null } {
  const active = activeRuntime(runtimesRoot(), bundledOrtVersion());
  if (active) {
    try {
      return { ort: createRequire(join(active.dir, 'index.js'))('onnxruntime-node') as Ort, runtimeDir: active.dir };
    } catch {
      // A damaged copy must not stop the app: fall back to the bundled runtime (CPU etc.);
      // `doctor` reports the CUDA provider as unavailable and Settings offers to repair it.
    }
  }
  return { ort: requireHere('onnxruntime-node') as Ort, runtimeDir: null };
}

const loaded = loadOrt();
const ort = loaded.ort;

/** The installed GPU runtime this process loaded, or null for the bundled package. */
export const loadedRuntimeDir: string | null = loaded.runtimeDir;

export type OrtTensor = OrtModule.Tensor;
export type OrtSession = OrtModule.InferenceSession;
export type OrtValueMetadata = OrtModule.InferenceSession.ValueMetadata;
export type OrtFeeds = OrtModule.InferenceSession.FeedsType;
export type OrtSessionOptions = OrtModule.InferenceSession.SessionOptions;

export const OrtTensorClass = ort.Tensor;

export function createOrtSession(path: string, options: OrtSessionOptions): Promise<OrtSession> {
  return ort.InferenceSession.create(path, options);
}

/** A session on a model built in memory (small helper graphs such as LoRA baking's Gemm). */
export function createOrtSessionFromBytes(model: Uint8Array, options: OrtSessionOptions): Promise<OrtSession> {
  return ort.InferenceSession.create(model, options);
}

/**
 * Backends the loaded onnxruntime-node knows about; `bundled: false` ones (CUDA, TensorRT on
 * Linux) need extra libraries installed before a session can use them.
 */
export function listSupportedBackends(): Array<{ name: string; bundled: boolean }> {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}
