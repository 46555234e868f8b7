import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import type { DataDir } from '../core/data-dir.ts';
import { getSetting, setSetting } from '../db/settings-repo.ts';
import { bakeLorasInWorker } from '../inference/cpu-jobs.ts';
import { readPackManifest } from '../../models/pack-store.ts';
import type { SdxlManifest } from '../../models/manifest.ts';
import { getLora } from './lora-registry.ts';
import { readProvenance, writeProvenance } from './pack-provenance.ts';
import { dirBytes } from './dir-bytes.ts';

/** A batch's LoRA choice, as saved in its config (`config.loras`). */
export interface LoraPick {
  id: string;
  scale: number;
}

export const VARIANT_LIMIT_KEY = 'models.loraCacheBytes';
/** Default cache limit: room for a few SDXL UNet + text encoder variants (≈ 7 GB each in fp16… fp32 more). */
export const DEFAULT_VARIANT_LIMIT = 40 * 1024 ** 3;

export interface VariantEntry {
  key: string;
  packId: string;
  loras: Array<{ id: string; name: string; scale: number }>;
  dir: string;
  bytes: number;
  createdAt: number;
  lastUsedAt: number;
}

const variantsRoot = (dataDir: Pick<DataDir, 'models'>): string => join(dataDir.models, '.lora-variants');

export function variantLimit(db: Database): number {
  return getSetting<number>(db, VARIANT_LIMIT_KEY, DEFAULT_VARIANT_LIMIT);
}

export function setVariantLimit(db: Database, bytes: number): void {
  if (!Number.isFinite(bytes) || bytes < 0) throw new AppError('BadInput', `cache limit must be a byte count ≥ 0, got ${bytes}`);
  setSetting(db, VARIANT_LIMIT_KEY, Math.floor(bytes));
}

interface Row {
  key: string;
  pack_id: string;
  loras: string;
  rel_dir: string;
  bytes: number;
  created_at: number;
  last_used_at: number;
}

export function listVariants(db: Database, dataDir: Pick<DataDir, 'models'>): VariantEntry[] {
  return (db.prepare('SELECT * FROM lora_variants ORDER BY last_used_at DESC').all() as Row[]).map((r) => ({
    key: r.key,
    packId: r.pack_id,
    loras: JSON.parse(r.loras) as VariantEntry['loras'],
    dir: join(variantsRoot(dataDir), r.rel_dir),
    bytes: r.bytes,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}

/**
 * The pack with these LoRAs baked in at these scales: from the cache when present, otherwise
 * baked now (only the components the LoRAs touch are rewritten) and the least recently used
 * variants evicted beyond the size limit. The key covers the base pack's identity (id and
 * manifest), each LoRA's content hash and its scale, so any change bakes a fresh variant.
 */
export async function ensureLoraVariant(db: Database, dataDir: Pick<DataDir, 'models' | 'root'>, pack: { id: string; dir: string }, picks: LoraPick[], onBytes?: (n: number) => void): Promise<{ dir: string; manifest: SdxlManifest; cached: boolean }> {
  const base = readPackManifest(pack.dir);
  if (base.kind !== 'sdxl') throw new AppError('BadInput', `pack ${pack.id} is not an SDXL pack; LoRAs apply to SDXL packs`);
  const loras = picks
    .map((p) => {
      if (!Number.isFinite(p.scale) || Math.abs(p.scale) > 8) throw new AppError('BadInput', `LoRA scale ${p.scale} is out of range (−8…8)`);
      return { rec: getLora(db, dataDir, p.id), scale: p.scale };
    })
    // Canonical order (content hash, then scale): the same LoRA set is one variant whatever order
    // it was picked in, baked identically here and on distributed workers (float sums are ordered).
    .sort((a, b) => (a.rec.sha256 < b.rec.sha256 ? -1 : a.rec.sha256 > b.rec.sha256 ? 1 : a.scale - b.scale));
  const key = createHash('sha256')
    .update(JSON.stringify({ pack: pack.id, manifest: base.components, loras: loras.map((l) => [l.rec.sha256, l.scale]) }))
    .digest('hex')
    .slice(0, 24);
  const root = variantsRoot(dataDir);
  const dir = join(root, key);
  const row = db.prepare('SELECT * FROM lora_variants WHERE key = ?').get(key) as Row | undefined;
  if (row && existsSync(join(dir, 'manifest.json'))) {
    db.prepare('UPDATE lora_variants SET last_used_at = ? WHERE key = ?').run(Date.now(), key);
    return { dir, manifest: readPackManifest(dir) as SdxlManifest, cached: true };
  }
  try {
    // Streams the pack's weights and does the low-rank maths: in the weights worker, off this thread.
    await bakeLorasInWorker(
      {
        baseDir: pack.dir,
        base,
        destDir: dir,
        id: `${base.id}.lora-${key.slice(0, 8)}`,
        name: `${base.name} + ${loras.map((l) => `${l.rec.name} ×${l.scale}`).join(', ')}`,
        loras: loras.map((l) => ({ file: l.rec.path, name: l.rec.name, scale: l.scale })),
      },
      onBytes,
    );
  } catch (err) {
    // A refused LoRA arrives as AppError('BadInput') with its sentence.
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const prov = readProvenance(pack.dir);
  writeProvenance(dir, {
    basePack: pack.id,
    ...(prov?.checkpoint ? { checkpoint: prov.checkpoint } : {}),
    loras: [...(prov?.loras ?? []), ...loras.map((l) => ({ id: l.rec.id, name: l.rec.name, sha256: l.rec.sha256, scale: l.scale }))],
  });
  const now = Date.now();
  const bytes = await dirBytes(dir);
  db.prepare('INSERT OR REPLACE INTO lora_variants (key, pack_id, loras, rel_dir, bytes, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    key,
    pack.id,
    JSON.stringify(loras.map((l) => ({ id: l.rec.id, name: l.rec.name, scale: l.scale }))),
    key,
    bytes,
    now,
    now,
  );
  await evictVariants(db, dataDir, variantLimit(db), key);
  return { dir, manifest: readPackManifest(dir) as SdxlManifest, cached: false };
}

/** Removes least-recently-used variants until the cache fits `limit` (never `keep`). */
export async function evictVariants(db: Database, dataDir: Pick<DataDir, 'models'>, limit: number, keep?: string): Promise<string[]> {
  const all = listVariants(db, dataDir);
  let total = all.reduce((n, v) => n + v.bytes, 0);
  const removed: string[] = [];
  for (const v of [...all].reverse()) {
    if (total <= limit) break;
    if (v.key === keep) continue;
    await rm(v.dir, { recursive: true, force: true });
    db.prepare('DELETE FROM lora_variants WHERE key = ?').run(v.key);
    total -= v.bytes;
    removed.push(v.key);
  }
  return removed;
}
