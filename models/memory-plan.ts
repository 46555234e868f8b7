import { formatBytes } from './downloader/format-bytes.ts';
import type { GpuMemoryRow, PackManifest } from './manifest.ts';

/**
 * GPU memory a pack needs at a size, from the pack's table (peak bytes per width×height). Between
 * rows the need grows linearly with the pixel count (activations scale with pixels, weights do
 * not); beyond the table the last two rows' slope is extended.
 */
export function estimateGpuMemory(table: readonly GpuMemoryRow[] | undefined, width: number, height: number): number | undefined {
  if (!table?.length) return undefined;
  const rows = [...table].sort((a, b) => a.width * a.height - b.width * b.height);
  const px = width * height;
  const at = (r: GpuMemoryRow): number => r.width * r.height;
  if (rows.length === 1) return rows[0]!.bytes;
  let lo = rows[0]!;
  let hi = rows[1]!;
  for (let i = 1; i < rows.length; i++) {
    lo = rows[i - 1]!;
    hi = rows[i]!;
    if (px <= at(hi)) break;
  }
  const slope = (hi.bytes - lo.bytes) / (at(hi) - at(lo));
  return Math.max(rows[0]!.bytes * 0.5, Math.round(lo.bytes + slope * (px - at(lo))));
}

export interface MemoryPlan {
  needBytes: number | undefined;
  availableBytes: number | undefined;
  /** False only when both figures are known and the need exceeds what the GPU has. */
  fits: boolean;
  measured: boolean;
  warning?: string;
  /** The largest size (same aspect, multiple of 64) the table says fits, when the chosen one does not. */
  suggested?: { width: number; height: number };
}

export function planGpuMemory(manifest: Pick<PackManifest, 'id' | 'gpuMemory'>, width: number, height: number, availableBytes: number | undefined): MemoryPlan {
  const need = estimateGpuMemory(manifest.gpuMemory, width, height);
  const measured = manifest.gpuMemory?.every((r) => r.measured) ?? false;
  const base = { needBytes: need, availableBytes, measured };
  if (need === undefined || availableBytes === undefined || need <= availableBytes) return { ...base, fits: true };
  let suggested: { width: number; height: number } | undefined;
  for (let scale = 0.9; scale >= 0.25; scale -= 0.05) {
    const w = Math.max(64, Math.floor((width * scale) / 64) * 64);
    const h = Math.max(64, Math.floor((height * scale) / 64) * 64);
    const n = estimateGpuMemory(manifest.gpuMemory, w, h);
    if (n !== undefined && n <= availableBytes) {
      suggested = { width: w, height: h };
      break;
    }
  }
  const how = measured ? 'measured' : 'estimated';
  const tail = suggested
    ? `try ${suggested.width}×${suggested.height}, or a lighter pack (fp16 needs about half of fp32)`
    : 'even the smallest size will not fit: use a lighter pack (portable or CUDA fp16, or SDXL-Turbo) or the CPU';
  return {
    ...base,
    fits: false,
    ...(suggested ? { suggested } : {}),
    warning: `Pack ${manifest.id} needs about ${formatBytes(need)} of GPU memory at ${width}×${height} (${how}) but the GPU reports ${formatBytes(availableBytes)}: ${tail}. Generation will still start; out-of-memory errors are retried at a lower resolution.`,
  };
}
