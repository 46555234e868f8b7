/**
 * Electron entry: wires the shared core (main/api) to one secure window. Everything else —
 * database, pipeline, inference — is the same code the CLI and the browser UI run.
 */
import '../core/quiet-runtime.ts'; // first: onnxruntime's telemetry off before anything loads it
import { app, BrowserWindow, dialog, session } from 'electron';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createAppServices, type AppServices } from '../api/app-services.ts';
import { connectIpc } from './ipc.ts';
import { createSafeStorageKeyStore } from './safe-storage-key-store.ts';
import { createMainWindow } from './window.ts';
import { registerShellHandlers } from './shell-handlers.ts';
import { RENDERER_DIR } from '../core/app-root.ts';
import { handleProtocols, registerPrivilegedSchemes } from './protocols.ts';
import { allowNavigation, allowPermission } from './shell-security.ts';
import { toErrorData } from '../core/app-error.ts';
import { rebuildDataFolder } from '../library/rebuild-data-folder.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
registerPrivilegedSchemes();

let services: AppServices | null = null;

async function start(): Promise<void> {
  await app.whenReady();
  // Deny every permission request and check (camera, notifications, ...): an image tool needs none.
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(allowPermission(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowPermission(permission));
  const userData = app.getPath('userData');
  services = await createAppServices({
    dataDir: userData,
    transport: 'electron',
    keyStore: { create: (name) => createSafeStorageKeyStore(userData, name), storage: 'safeStorage' },
  });
  handleProtocols(RENDERER_DIR, services.app.dataDir.library);
  registerShellHandlers(services, () => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0] ?? null);
  const win = createMainWindow(join(here, 'preload.cjs'));
  const disconnect = connectIpc(services, win);
  win.on('closed', disconnect);
}

app.on('window-all-closed', () => {
  void services?.close().finally(() => app.quit());
});

app.on('web-contents-created', (_event, contents) => {
  // Defence in depth, for every web contents (not only the main window): no <webview>, no
  // navigation away from the app, no new windows.
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('will-navigate', (event, url) => {
    if (!allowNavigation(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.on('activate', () => {
  if (BrowserWindow.getAllWindows().length === 0 && services) connectIpc(services, createMainWindow(join(here, 'preload.cjs')));
});

start().catch(async (err: unknown) => {
  console.error('AssetQL failed to start:', err);
  await explainStartFailure(err);
  app.exit(1);
});

/**
 * The user sees why the app cannot start, not a silent exit: another process holding the data
 * folder is named by pid; a lost or damaged database offers the rebuild from the library images.
 */
async function explainStartFailure(err: unknown): Promise<void> {
  const e = toErrorData(err);
  const reason = e.detail?.['reason'];
  if (reason !== 'database-missing' && reason !== 'database-damaged') {
    dialog.showErrorBox('AssetQL cannot start', e.message);
    return;
  }
  const choice = dialog.showMessageBoxSync({
    type: 'error',
    title: 'AssetQL cannot open its database',
    message: reason === 'database-damaged' ? 'The library database is damaged.' : 'The library database is missing.',
    detail: e.message,
    buttons: ['Rebuild library index', 'Quit'],
    defaultId: 0,
    cancelId: 1,
  });
  if (choice !== 0) return;
  try {
    const r = await rebuildDataFolder(app.getPath('userData'), 'the AssetQL app (rebuild)');
    dialog.showMessageBoxSync({ type: 'info', title: 'Library index rebuilt', message: `${r.restored} images restored, ${r.skipped.length} skipped.`, detail: r.movedAside.length ? `The old database was kept as ${r.movedAside.join(', ')}.` : '' });
    app.relaunch();
  } catch (err2) {
    dialog.showErrorBox('Rebuild failed', toErrorData(err2).message);
  }
}
