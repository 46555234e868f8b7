import type {
  ApiResult,
  AssetqlApi,
  EventName,
  EventPayloads,
  RequestArg,
  RequestName,
  RequestResult,
  WIRE,
  WireClientMessage,
  WireServerMessage,
} from '../../preload/api.ts';

declare global {
  interface Window {
    assetql?: AssetqlApi;
  }
}

// The wire constants are checked against the contract's types (the renderer may import types only).
const WS_PATH: (typeof WIRE)['wsPath'] = '/ws';
const TOKEN_PARAM: (typeof WIRE)['tokenParam'] = 'token';

/**
 * Chooses the transport: inside Electron the preload has exposed window.assetql (IPC);
 * in a browser (assetql serve) we speak the same contract over a WebSocket.
 */
export function connectBridge(): AssetqlApi {
  return window.assetql ?? createWebSocketBridge();
}

type Pending = (result: ApiResult<unknown>) => void;

function createWebSocketBridge(): AssetqlApi {
  const token = new URLSearchParams(location.search).get(TOKEN_PARAM) ?? '';
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let retryMs = 250;

  const open = (): void => {
    const ws = new WebSocket(wsUrl);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      for (const msg of queue.splice(0)) ws.send(msg);
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as WireServerMessage;
      if (msg.t === 'res') {
        pending.get(msg.id)?.(msg.result);
        pending.delete(msg.id);
      } else {
        for (const l of listeners.get(msg.name) ?? []) l(msg.payload);
      }
    };
    ws.onclose = () => {
      socket = null;
      // In-flight requests cannot be answered by a new socket: fail them as data.
      for (const [id, done] of pending) {
        done({ ok: false, error: { kind: 'Unavailable', message: 'connection to AssetQL was lost; retrying' } });
        pending.delete(id);
      }
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  open();

  return {
    transport: 'browser',
    request<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<ApiResult<RequestResult<K>>> {
      const id = nextId++;
      const msg: WireClientMessage = { t: 'req', id, name, arg };
      const text = JSON.stringify(msg);
      return new Promise((resolve) => {
        pending.set(id, resolve as Pending);
        if (socket?.readyState === WebSocket.OPEN) socket.send(text);
        else queue.push(text);
      });
    },
    on<E extends EventName>(name: E, listener: (payload: EventPayloads[E]) => void): () => void {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
  };
}
