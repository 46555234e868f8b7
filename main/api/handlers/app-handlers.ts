import { readFileSync } from 'node:fs';
import type { AppServices } from '../app-services.ts';
import { loadSettings, updateSettings } from '../../settings/app-settings.ts';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

export function registerAppHandlers(s: AppServices): void {
  s.registry.handle('app.info', (_arg, ctx) => ({
    version: pkg.version,
    transport: ctx.transport === 'electron' ? 'electron' : 'browser',
    dataDir: s.app.dataDir.root,
    libraryDir: s.app.dataDir.library,
    platform: `${process.platform}-${process.arch}`,
    node: process.versions.node,
  }));
  s.registry.handle('settings.get', () => loadSettings(s.app.db));
  s.registry.handle('settings.update', (patch) => updateSettings(s.app.db, patch));
}
