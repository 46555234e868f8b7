import sharp from 'sharp';
import type { RgbImage } from '../../../../workers/image/rgb-image.ts';
import { AppError } from '../../../../main/core/app-error.ts';
import type { DataDir } from '../../../../main/core/data-dir.ts';
import type { Database } from 'better-sqlite3';
import { createFileArchive } from '../../../../main/pipeline/adapters/file-archive.ts';
import { createLibraryStore, createThumbnailStage } from '../../../../main/pipeline/adapters/library-store.ts';
import type { BatchStages, GenerateStage, PostStage, ValidateStage } from '../../../../main/pipeline/stages.ts';
import type { GenerateCapabilities } from '../../../../main/pipeline/escalation.ts';

/**
 * Deterministic stages that do real work, for engine tests and benches: sharp renders an image
 * whose colour is pulled from a seed colour towards the brand colour by the recipe (guidance,
 * style keywords in the prompt, IP-Adapter scale / img2img), and validation really measures the
 * image's mean colour against the brand colour. Escalation therefore really raises the score,
 * and thresholds (not faked scores) decide pass and fail.
 */
export const BRAND: readonly [number, number, number] = [200, 60, 40];
export const KEYWORDS = ['warm', 'flat shading'] as const;

export function seedColour(seed: number): [number, number, number] {
  // Far from BRAND on purpose: a plain recipe scores low, escalation climbs.
  return [20 + (seed * 37) % 60, 140 + (seed * 53) % 80, 150 + (seed * 29) % 90];
}

export function pullFor(prompt: string, p: { guidance: number; ipAdapterScale?: number; strength?: number; initImagePath?: string }): number {
  let pull = Math.max(0, Math.min(0.4, (p.guidance - 5) * 0.1));
  if (KEYWORDS.every((k) => prompt.includes(k))) pull += 0.2;
  if (p.ipAdapterScale != null) pull += p.ipAdapterScale * 0.3;
  if (p.initImagePath && p.strength != null) pull += (1 - p.strength) * 0.4;
  return Math.min(1, pull);
}

export interface ColourGenerateOptions {
  /** Paced steps (ms each, abortable) so pause/cancel/kill tests can catch a generation mid-way. */
  stepMs?: number;
  capabilities?: GenerateCapabilities;
  /** Throw these errors, in order, on the first calls (transient / fatal injection). */
  failures?: AppError[];
  /** Rows that fail with the given error on every call. */
  failRows?: Map<number, AppError>;
  onCall?: (req: { prompt: string; width: number; height: number }) => void;
}

export function colourGenerate(opts: ColourGenerateOptions = {}): GenerateStage {
  const failures = [...(opts.failures ?? [])];
  return {
    modelId: 'test-colour-v1',
    capabilities: opts.capabilities ?? { ipAdapter: false, img2img: true },
    async generate(req, { signal, onProgress }) {
      const t0 = performance.now();
      opts.onCall?.({ prompt: req.prompt, width: req.params.width, height: req.params.height });
      const f = failures.shift();
      if (f) throw f;
      const row = Number(req.params['row']);
      const rowFail = opts.failRows?.get(row);
      if (rowFail) throw rowFail;
      const steps = req.params.steps;
      for (let s = 1; s <= steps; s++) {
        if (signal.aborted) throw new AppError('Cancelled', 'generation aborted');
        if (opts.stepMs) await abortableSleep(opts.stepMs, signal);
        onProgress?.({ step: s, steps });
      }
      const pull = pullFor(req.prompt, req.params);
      const c = seedColour(req.params.seed).map((v, i) => Math.round(v + ((BRAND[i] ?? 0) - v) * pull)) as [number, number, number];
      const { width, height } = req.params;
      const buf = await sharp({ create: { width, height, channels: 3, background: { r: c[0], g: c[1], b: c[2] } } })
        .raw()
        .toBuffer();
      const image: RgbImage = { width, height, data: new Uint8Array(buf.buffer, buf.byteOffset, buf.length) };
      return { image, gpuMs: performance.now() - t0 };
    },
  };
}

/** Real measurement: 1 − (RGB distance of the mean colour to the brand colour) / max distance. */
export function colourValidate(): ValidateStage {
  return {
    async validate(image) {
      const sum = [0, 0, 0];
      const n = image.width * image.height;
      for (let i = 0; i < image.data.length; i += 3) {
        sum[0]! += image.data[i]!;
        sum[1]! += image.data[i + 1]!;
        sum[2]! += image.data[i + 2]!;
      }
      const mean = sum.map((v) => v / n);
      const d = Math.hypot(...mean.map((v, i) => v - (BRAND[i] ?? 0)));
      // colourDistance on the 0–100 scale StyleScores uses (share of the largest RGB distance).
      return { styleScore: 1 - d / Math.hypot(255, 255, 255), colourDistance: (100 * d) / Math.hypot(255, 255, 255) };
    },
  };
}

export interface TestStagesOptions extends ColourGenerateOptions {
  db: Database;
  dataDir: DataDir;
  post?: PostStage[];
  thumbnails?: boolean;
}

export function colourStages(o: TestStagesOptions): BatchStages {
  const ctx = { db: o.db, dataDir: o.dataDir };
  return {
    generate: colourGenerate(o),
    validate: colourValidate(),
    archive: createFileArchive(o.dataDir),
    store: createLibraryStore(ctx),
    post: [...(o.thumbnails === false ? [] : [createThumbnailStage(ctx)]), ...(o.post ?? [])],
    styleKeywords: KEYWORDS,
  };
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new AppError('Cancelled', 'generation aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
