import type { AppServices } from '../app-services.ts';
import { APP_VERSION } from '../../core/app-root.ts';
import { loadSettings, updateSettings } from '../../settings/app-settings.ts';


export function registerAppHandlers(s: AppServices): void {
  s.registry.handle('app.info', (_arg, ctx) => ({
    version: APP_VERSION,
    transport: ctx.transport === 'electron' ? 'electron' : 'browser',
    dataDir: s.app.dataDir.root,
    libraryDir: s.app.dataDir.library,
    platform: `${process.platform}-${process.arch}`,
    node: process.versions.node,
  }));
  s.registry.handle('settings.get', () => loadSettings(s.app.db));
  s.registry.handle('settings.update', async (patch) => {
    const next = updateSettings(s.app.db, patch);
    await s.settingsChanged();
    return next;
  });
}
