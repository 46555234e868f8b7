import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { dialog, shell, type BrowserWindow } from 'electron';
import type { AppServices } from '../api/app-services.ts';
import { AppError } from '../core/app-error.ts';

/**
 * Requests only the desktop shell can answer: the OS folder picker (export destination) and
 * "Show in folder" for a finished export. The browser UI has neither (it downloads instead),
 * so these stay unregistered there and answer Unavailable.
 */
export function registerShellHandlers(services: AppServices, win: () => BrowserWindow | null): void {
  services.registry.handle('app.pickFolder', async () => {
    const w = win();
    const options = { properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] };
    const r = w ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
    return { path: r.canceled ? null : (r.filePaths[0] ?? null) };
  });
  services.registry.handle('app.showInFolder', ({ path }) => {
    if (!isAbsolute(path) || !existsSync(path)) throw new AppError('NotFound', `${path} does not exist (moved or deleted since the export?)`);
    shell.showItemInFolder(path);
    return { shown: true };
  });
}
