import { WorkerError } from '../protocol.ts';

/**
 * ONNX Runtime reports every failure as a plain Error with a message; the pipeline needs a kind
 * to decide whether to retry (OutOfMemory: retry smaller / later) or fail (Inference).
 */
const OOM = /(out of memory|failed to allocate|allocation failed|bad_alloc|cudaErrorMemoryAllocation|E_OUTOFMEMORY|OOM)/i;
const MISSING = /(no such file|file doesn't exist|ENOENT|Load model from .* failed:.*(not exist|open))/i;

export function mapOrtError(err: unknown, what: string): WorkerError {
  if (err instanceof WorkerError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (OOM.test(message)) return new WorkerError('OutOfMemory', `${what}: out of memory (${message})`);
  if (MISSING.test(message)) return new WorkerError('ModelMissing', `${what}: model file missing (${message})`);
  return new WorkerError('Inference', `${what}: ${message}`);
}
