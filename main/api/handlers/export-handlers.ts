import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ExportProgress } from '../../../preload/api.ts';
import type { AppServices } from '../app-services.ts';
import { AppError } from '../../core/app-error.ts';
import { loadExportItems } from '../../library/export/load-items.ts';
import { exportFiles } from '../../library/export/export-files.ts';
import { defaultZipName, exportZip } from '../../library/export/export-zip.ts';
import { resolveExportDir } from '../../library/export/export-root.ts';
import { searchQueryFromContract } from '../../library/contract-query.ts';
import { downloadUrl, exportDownloads } from '../export-downloads.ts';
import { exportUnity } from '../../library/export/unity/export-unity.ts';
import { exportShopify } from '../../library/export/shopify/export-shopify.ts';
import { recordExport } from '../../library/export/export-history-repo.ts';
import { syncAll } from '../../library/sync/sync-all.ts';
import { loadSettings } from '../../settings/app-settings.ts';
import { resolveS3Config } from '../../settings/s3-settings.ts';

export function registerExportHandlers(s: AppServices): void {
  const running = new Map<string, AbortController>();
  const lib = { db: s.app.db, dataDir: s.app.dataDir };

  s.registry.handle('export.start', (req, ctx) => {
    // The grid's filter, translated once (contract-query.ts): the export takes what the grid shows.
    const items = loadExportItems(lib, {
      ...(req.assetIds ? { ids: req.assetIds } : {}),
      ...(req.query ? { filter: searchQueryFromContract(req.query) } : {}),
    });
    if (items.length === 0) throw new AppError('BadInput', 'nothing to export: the selection is empty');
    if (req.delivery === 'download') {
      if (req.format !== 'zip') throw new AppError('BadInput', `only a ZIP can be downloaded; a ${req.format} export is written to a folder`);
      if (ctx.transport === 'electron') throw new AppError('BadInput', 'the desktop app saves exports to a folder you choose');
      const ticket = exportDownloads(s).create(items, `${defaultZipName()}.zip`);
      return { exportId: ticket.id, downloadUrl: downloadUrl(ticket) };
    }
    const outDir = resolveExportDir(req.outDir, loadSettings(s.app.db).exportRoot, ctx.transport);
    const exportId = randomUUID();
    const controller = new AbortController();
    running.set(exportId, controller);
    const emit = (p: Omit<ExportProgress, 'exportId'>): void => s.bus.emit('export.progress', { exportId, ...p });
    const total = items.length;
    const opts = {
      signal: controller.signal,
      // The dialog always sends its choice; older callers keep the app's previous behaviour.
      onConflict: req.onConflict ?? 'rename',
      onProgress: (p: { itemsDone: number; bytesWritten: number }) => emit({ state: 'running', done: p.itemsDone, total, bytes: p.bytesWritten, outPath: null, error: null }),
    };
    const work = (async () => {
      switch (req.format) {
        case 'zip': return exportZip(items, outDir, opts);
        case 'unity': return exportUnity(items, outDir, { ...opts, ...(req.unityFolder ? { folder: req.unityFolder } : {}) });
        case 'file': return exportFiles(items, outDir, opts);
        case 'shopify': {
          const baseUrl = req.baseUrl || loadSettings(s.app.db).s3.publicBaseUrl || undefined;
          return exportShopify(items, outDir, { ...opts, ...(baseUrl ? { publicBaseUrl: baseUrl } : {}), ...(req.shopifyTemplate ? { template: req.shopifyTemplate } : {}), prefix: loadSettings(s.app.db).s3.prefix });
        }
      }
    })();
    emit({ state: 'running', done: 0, total, bytes: 0, outPath: null, error: null });
    void work.then(
      (result) => {
        recordExport(s.app.db, result, items.map((i) => i.assetId));
        emit({ state: 'done', done: total, total, bytes: result.bytesWritten, outPath: join(result.outDir, result.files.find((f) => f.path.endsWith('.zip'))?.path ?? result.manifestPath), error: null });
      },
      (err: unknown) => {
        const e = err instanceof AppError ? err : new AppError('Internal', String(err));
        emit({ state: e.kind === 'Cancelled' ? 'cancelled' : 'failed', done: 0, total, bytes: 0, outPath: null, error: e.message });
      },
    ).finally(() => running.delete(exportId));
    return { exportId, downloadUrl: null };
  });

  s.registry.handle('export.cancel', ({ exportId }) => {
    const c = running.get(exportId);
    c?.abort();
    return { cancelled: !!c };
  });

  let syncing = false;
  s.registry.handle('sync.start', async () => {
    if (syncing) return { started: false };
    const config = await resolveS3Config(s);
    const items = loadExportItems(lib, {});
    syncing = true;
    s.bus.emit('sync.progress', { state: 'running', done: 0, total: items.length, error: null });
    void syncAll({ db: s.app.db, config }, items, {
      onProgress: (p) => s.bus.emit('sync.progress', { state: 'running', done: p.filesDone, total: p.filesTotal, error: null }),
    }).then(
      (r) => s.bus.emit('sync.progress', {
        state: r.failed ? 'failed' : 'done', done: r.uploaded + r.skipped, total: r.uploaded + r.skipped + r.failed,
        error: r.errors[0] ? `${r.errors[0].key}: ${r.errors[0].message}` : null,
        errors: r.errors.slice(0, 50).map((e) => ({ key: e.key, message: e.message })),
        summary: { uploaded: r.uploaded, skipped: r.skipped, failed: r.failed },
      }),
      (err: unknown) => s.bus.emit('sync.progress', { state: 'failed', done: 0, total: items.length, error: err instanceof Error ? err.message : String(err) }),
    ).finally(() => (syncing = false));
    return { started: true };
  });
}
