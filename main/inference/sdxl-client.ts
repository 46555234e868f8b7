import type { SdxlManifest } from '../../models/manifest.ts';
import { readPack } from '../../models/read-pack.ts';
import type { SdxlGenerateRequest, SdxlGenerateResult, SdxlProgress } from '../../workers/sdxl/generate-types.ts';
import type { WorkerPool } from './worker-pool.ts';

export type { SdxlGenerateRequest, SdxlGenerateResult, SdxlProgress };

export interface GenerateOptions {
  onProgress?: (p: SdxlProgress) => void;
  signal?: AbortSignal;
}

export interface SdxlClient {
  readonly packDir: string;
  readonly manifest: SdxlManifest;
  generate(request: SdxlGenerateRequest, options?: GenerateOptions): Promise<SdxlGenerateResult>;
  /** Frees the pack's sessions in the workers that loaded it. */
  unload(): Promise<void>;
}

/**
 * SDXL over the worker pool. Validates the pack (manifest schema, every file present →
 * AppError ModelMissing naming the file) before any work is queued.
 */
export async function createSdxlClient(pool: WorkerPool, packDir: string): Promise<SdxlClient> {
  const manifest = await readPack(packDir, 'sdxl');
  return {
    packDir,
    manifest,
    generate: (request, options = {}) => pool.run({ kind: 'sdxl.generate', packDir, request }, options) as Promise<SdxlGenerateResult>,
    unload: async () => {
      await pool.run({ kind: 'pack.unload', packDir });
    },
  };
}
