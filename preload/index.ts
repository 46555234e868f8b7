/**
 * The Electron preload (sandboxed, context-isolated): exposes exactly the contract as
 * window.assetql and nothing else — no ipcRenderer, no Node APIs reach the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { ipcChannel, type AssetqlApi, type EventName, type EventPayloads } from './api.ts';

type AnyListener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<AnyListener>>();

ipcRenderer.on(ipcChannel.event, (_event: IpcRendererEvent, name: EventName, payload: unknown) => {
  for (const l of listeners.get(name) ?? []) l(payload);
});

const api = {
  transport: 'electron',
  request: (name, arg) => ipcRenderer.invoke(ipcChannel.request, name, arg),
  // File.path is gone (Electron 32+); only the preload may ask where a File lies, and it answers
  // for one File the user dropped or picked, so the page gains no way to list or read paths.
  pathForFile: (file: File) => webUtils.getPathForFile(file),
  on<E extends EventName>(name: E, listener: (payload: EventPayloads[E]) => void) {
    const set = listeners.get(name) ?? new Set<AnyListener>();
    listeners.set(name, set);
    set.add(listener as AnyListener);
    return () => {
      set.delete(listener as AnyListener);
    };
  },
} satisfies AssetqlApi;

contextBridge.exposeInMainWorld('assetql', api);
