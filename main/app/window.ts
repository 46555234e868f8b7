import { BrowserWindow, shell } from 'electron';
import { rendererIndexUrl } from './protocols.ts';
import { allowNavigation, mainWindowOptions, windowOpenDecision } from './shell-security.ts';

/**
 * The one window, locked down per Electron's security checklist. The settings and decisions
 * live in shell-security.ts (tested without Electron); this file only wires them in.
 */
export function createMainWindow(preloadPath: string): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(preloadPath));
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (event, url) => {
    if (!allowNavigation(url)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!allowNavigation(url)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) void shell.openExternal(url);
    return { action: decision.action };
  });
  void win.loadURL(rendererIndexUrl());
  return win;
}
