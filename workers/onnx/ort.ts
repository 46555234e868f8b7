/**
 * The ONLY module in the repository that imports onnxruntime-node. Everything else goes through
 * workers/onnx so a different runtime build (or a bundled one) can be swapped in one place, and
 * so the main process never loads the native binding by accident.
 */
// Must come first: ES modules evaluate in import order, and ORT reads the variable as it loads.
import './telemetry-off.ts';
import * as ort from 'onnxruntime-node';

export type OrtTensor = ort.Tensor;
export type OrtSession = ort.InferenceSession;
export type OrtValueMetadata = ort.InferenceSession.ValueMetadata;
export type OrtFeeds = ort.InferenceSession.FeedsType;
export type OrtSessionOptions = ort.InferenceSession.SessionOptions;

export const OrtTensorClass = ort.Tensor;

export function createOrtSession(path: string, options: OrtSessionOptions): Promise<OrtSession> {
  return ort.InferenceSession.create(path, options);
}

/**
 * Backends the installed onnxruntime-node knows about; `bundled: false` ones (CUDA, TensorRT on
 * Linux) need extra libraries installed before a session can use them.
 */
export function listSupportedBackends(): Array<{ name: string; bundled: boolean }> {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}
