/**
 * Electron entry: wires the shared core (main/api) to one secure window. Everything else —
 * database, pipeline, inference — is the same code the CLI and the browser UI run.
 */
import { app, BrowserWindow, session } from 'electron';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createAppServices, type AppServices } from '../api/app-services.ts';
import { connectIpc } from './ipc.ts';
import { createSafeStorageKeyStore } from './safe-storage-key-store.ts';
import { createMainWindow } from './window.ts';
import { registerShellHandlers } from './shell-handlers.ts';
import { RENDERER_DIR } from '../core/app-root.ts';
import { handleProtocols, registerPrivilegedSchemes } from './protocols.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
registerPrivilegedSchemes();

let services: AppServices | null = null;

async function start(): Promise<void> {
  await app.whenReady();
  // Deny every permission prompt (camera, notifications, ...): an image tool needs none.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
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
  // Defence in depth: no <webview> may ever be attached.
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('activate', () => {
  if (BrowserWindow.getAllWindows().length === 0 && services) connectIpc(services, createMainWindow(join(here, 'preload.cjs')));
});

start().catch((err: unknown) => {
  console.error('AssetQL failed to start:', err);
  app.exit(1);
});
