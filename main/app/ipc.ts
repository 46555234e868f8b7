import { ipcMain, type BrowserWindow, type WebFrameMain } from 'electron';
import { ipcChannel, type ApiResult } from '../../preload/api.ts';
import type { AppServices } from '../api/app-services.ts';
import type { RequestContext } from '../api/registry.ts';
import { assetUrl } from './protocols.ts';
import { isTrustedIpcSender } from './shell-security.ts';

/** Only our own top-level page may call the API (the rule is in shell-security.ts). */
function isTrustedSender(frame: WebFrameMain | null, win: BrowserWindow): boolean {
  return isTrustedIpcSender(frame ? { url: frame.url, isMainFrame: frame === win.webContents.mainFrame } : null);
}

export function connectIpc(services: AppServices, win: BrowserWindow): () => void {
  const ctx: RequestContext = { transport: 'electron', fileUrl: assetUrl };
  ipcMain.handle(ipcChannel.request, async (event, name: unknown, arg: unknown): Promise<ApiResult<unknown>> => {
    if (!isTrustedSender(event.senderFrame, win)) {
      return { ok: false, error: { kind: 'BadInput', message: 'request from an untrusted frame refused' } };
    }
    return services.registry.dispatch(name, arg, ctx);
  });
  const unsubscribe = services.bus.subscribe((name, payload) => {
    if (!win.isDestroyed()) win.webContents.send(ipcChannel.event, name, payload);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(ipcChannel.request);
  };
}
