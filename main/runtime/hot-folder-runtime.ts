import { mkdirSync } from 'node:fs';
import type { AppServices } from '../api/app-services.ts';
import type { PipelineEngine } from '../pipeline/engine.ts';
import { startHotFolder, type HotFolder, type HotFolderBatchRequest } from '../intake/hot-folder/hot-folder.ts';
import { loadSettings } from '../settings/app-settings.ts';
import { createBatchFromCsv, type StyleSwitch } from './create-batch.ts';
import type { StyleGroupMode } from '../intake/config/batch-config.ts';
import { packLimits } from '../intake/config/pack-limits.ts';
import type { SdxlManifest } from '../../models/manifest.ts';

const SWITCH: Record<StyleGroupMode, StyleSwitch> = { include: 'on', drop: 'off', lock: 'locked' };

/**
 * Keeps the hot folder watcher in line with Settings (enabled + path): started at launch,
 * restarted when the folder changes, stopped when turned off or on close. Each dropped CSV
 * becomes a running batch through the same path as the New batch screen.
 */
export function startHotFolderRuntime(s: AppServices, engine: PipelineEngine): { reconcile(): Promise<void> } {
  let current: { path: string; folder: Promise<HotFolder> } | null = null;

  const startBatch = async (req: HotFolderBatchRequest): Promise<{ batchId: string }> => {
    const c = req.config;
    const r = await createBatchFromCsv(s, engine, {
      name: req.name, csvPath: req.csvFile, csvName: `${req.name}.csv`, promptColumn: req.csv.promptColumn, template: req.template,
      negativePrompt: c.negativePrompt,
      style: { colours: SWITCH[c.style.colours.mode], lighting: SWITCH[c.style.lighting.mode], composition: SWITCH[c.style.composition.mode], medium: SWITCH[c.style.medium.mode] },
      profileId: req.profileId, refPaths: req.references.map((r) => r.file),
      config: c,
      source: 'hot-folder', start: true,
    });
    return { batchId: r.batchId };
  };

  const stop = async (): Promise<void> => {
    const c = current;
    current = null;
    if (c) await (await c.folder.catch(() => null))?.close();
  };

  const reconcile = async (): Promise<void> => {
    const hf = loadSettings(s.app.db).hotFolder;
    const wanted = hf.enabled && hf.path ? hf.path : null;
    if (current?.path === wanted) return;
    await stop();
    if (!wanted) return;
    mkdirSync(wanted, { recursive: true });
    // Sizes and step ranges in sidecars are checked against the default pack (a test pack allows 64×64).
    let limits;
    try {
      const pack = s.inference.resolveSdxlPack(null);
      limits = packLimits(pack.manifest?.kind === 'sdxl' ? (pack.manifest as SdxlManifest) : null);
    } catch {
      limits = undefined;
    }
    current = { path: wanted, folder: startHotFolder({ folder: wanted, startBatch, ...(limits ? { limits } : {}) }) };
    current.folder.catch(() => (current = null));
  };

  s.onClose(stop);
  return { reconcile };
}
