import { mkdirSync } from 'node:fs';
import type { AppServices } from '../api/app-services.ts';
import type { PipelineEngine } from '../pipeline/engine.ts';
import { startHotFolder, type HotFolder, type HotFolderBatchRequest, type HotFolderEvent } from '../intake/hot-folder/hot-folder.ts';
import type { HotFolderDrop } from '../../preload/api.ts';
import { loadSettings } from '../settings/app-settings.ts';
import { appBatchDeps, createBatchFromCsv, type StyleSwitch } from './create-batch.ts';
import type { StyleGroupMode } from '../intake/config/batch-config.ts';
import { packLimits } from '../intake/config/pack-limits.ts';
import type { SdxlManifest } from '../../models/manifest.ts';

const SWITCH: Record<StyleGroupMode, StyleSwitch> = { include: 'on', drop: 'off', lock: 'locked' };

/**
 * Keeps the hot folder watcher in line with Settings (enabled + path): started at launch,
 * restarted when the folder changes, stopped when turned off or on close. Each dropped CSV
 * becomes a running batch through the same path as the New batch screen, and each drop and
 * its result (batch or error) is listed for the UI, not only written as name.error.txt.
 */
export interface HotFolderRuntime {
  reconcile(): Promise<void>;
  drops(): { watching: string | null; problem: string | null; drops: HotFolderDrop[] };
}

/** Drops kept for the UI list (newest first); each is also pushed as a 'hotfolder.drop' event. */
const MAX_DROPS = 100;

export function startHotFolderRuntime(s: AppServices, engine: PipelineEngine): HotFolderRuntime {
  let current: { path: string; folder: Promise<HotFolder> } | null = null;
  const drops: HotFolderDrop[] = [];
  let seq = 0;
  let problem: string | null = null;

  const startBatch = async (req: HotFolderBatchRequest): Promise<{ batchId: string }> => {
    const c = req.config;
    const r = await createBatchFromCsv(appBatchDeps(s), engine, {
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
    // Each drop runs on an installed pack (the sidecar's, else the default installed one) and
    // its sizes/steps are checked against that pack, resolved per drop: a pack installed after
    // the watcher started counts, and a missing one is reported as a drop failure.
    const resolvePack = (packId: string | null) => {
      const pack = s.inference.resolveSdxlPack(packId);
      return { id: pack.id, limits: packLimits(pack.manifest?.kind === 'sdxl' ? (pack.manifest as SdxlManifest) : null) };
    };
    const onEvent = (e: HotFolderEvent): void => {
      const drop: HotFolderDrop = {
        id: `${Date.now()}-${++seq}`, name: e.name, at: new Date().toISOString(), state: e.type, movedTo: e.movedTo,
        batchId: e.type === 'started' ? e.batchId : null, error: e.type === 'failed' ? e.error : null,
      };
      drops.unshift(drop);
      drops.length = Math.min(drops.length, MAX_DROPS);
      s.bus.emit('hotfolder.drop', drop);
    };
    problem = null;
    current = { path: wanted, folder: startHotFolder({ folder: wanted, startBatch, resolvePack, onEvent }) };
    current.folder.catch((err: unknown) => {
      problem = `the hot folder ${wanted} cannot be watched: ${err instanceof Error ? err.message : String(err)}`;
      current = null;
    });
  };

  s.onClose(stop);
  return { reconcile, drops: () => ({ watching: current?.path ?? null, problem, drops: [...drops] }) };
}
