import { access } from 'node:fs/promises';
import { WorkerError } from '../protocol.ts';
import { createOrtSession, type OrtFeeds, type OrtSession, type OrtTensor } from './ort.ts';
import { mapOrtError } from './ort-errors.ts';

/** What one input or output declares: element type and (possibly symbolic) shape. */
export interface IoSpec {
  name: string;
  dtype: string;
  shape: ReadonlyArray<number | string>;
}

/**
 * One ONNX session plus its declared I/O, read from `session.inputMetadata`/`outputMetadata`
 * (onnxruntime-node ≥ 1.20 exposes `{ name, isTensor, type, shape }`), so callers pick dtypes,
 * dims and variants (e.g. rank-0 vs [B] `timestep`) from the model itself.
 */
export class OnnxModel {
  readonly inputs: ReadonlyMap<string, IoSpec>;
  readonly outputs: ReadonlyMap<string, IoSpec>;
  /** Wall time spent inside session.run, summed; the SDXL client reports it as gpuMs. */
  runMs = 0;

  constructor(
    readonly label: string,
    private readonly session: OrtSession,
  ) {
    this.inputs = toSpecs(session.inputMetadata);
    this.outputs = toSpecs(session.outputMetadata);
  }

  input(name: string): IoSpec {
    const spec = this.inputs.get(name);
    if (!spec) throw new WorkerError('ModelMissing', `${this.label} has no input "${name}" (inputs: ${[...this.inputs.keys()].join(', ')})`);
    return spec;
  }

  output(name: string): IoSpec {
    const spec = this.outputs.get(name);
    if (!spec) throw new WorkerError('ModelMissing', `${this.label} has no output "${name}" (outputs: ${[...this.outputs.keys()].join(', ')})`);
    return spec;
  }

  /** The first of `names` the model declares as output (exports differ between versions). */
  pickOutput(...names: string[]): IoSpec {
    for (const n of names) {
      const spec = this.outputs.get(n);
      if (spec) return spec;
    }
    throw new WorkerError('ModelMissing', `${this.label} has none of the outputs ${names.join(', ')} (has: ${[...this.outputs.keys()].join(', ')})`);
  }

  async run(feeds: Record<string, OrtTensor>, fetch: readonly string[]): Promise<Record<string, OrtTensor>> {
    const t0 = performance.now();
    try {
      const out = await this.session.run(feeds as OrtFeeds, fetch as string[]);
      const result: Record<string, OrtTensor> = {};
      for (const name of fetch) {
        const v = out[name];
        if (!v) throw new WorkerError('Inference', `${this.label} did not return output "${name}"`);
        result[name] = v;
      }
      return result;
    } catch (err) {
      throw mapOrtError(err, this.label);
    } finally {
      this.runMs += performance.now() - t0;
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export interface LoadModelOptions {
  /** Execution providers in preference order, e.g. ['cuda', 'cpu']. */
  providers: readonly string[];
  /** Threads for the CPU provider; 0 lets ORT decide. */
  intraOpThreads?: number;
}

export async function loadOnnxModel(path: string, label: string, options: LoadModelOptions): Promise<OnnxModel> {
  try {
    await access(path);
  } catch {
    throw new WorkerError('ModelMissing', `${label}: model file missing: ${path}`, { file: path });
  }
  try {
    const session = await createOrtSession(path, {
      executionProviders: [...options.providers],
      graphOptimizationLevel: 'all',
      ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
    });
    return new OnnxModel(label, session);
  } catch (err) {
    throw mapOrtError(err, `${label} (${path})`);
  }
}

function toSpecs(meta: OrtSession['inputMetadata']): Map<string, IoSpec> {
  const out = new Map<string, IoSpec>();
  for (const m of meta) {
    if (m.isTensor) out.set(m.name, { name: m.name, dtype: m.type, shape: m.shape });
    else out.set(m.name, { name: m.name, dtype: 'non-tensor', shape: [] });
  }
  return out;
}
