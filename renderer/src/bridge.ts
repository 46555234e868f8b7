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
import { useConnection } from './store/connection.ts';

declare global {
  interface Window {
    assetql?: AssetqlApi;
  }
}

// The wire constants are checked against the contract's types (the renderer may import types only).
const WS_PATH: (typeof WIRE)['wsPath'] = '/ws';
const TOKEN_PARAM: (typeof WIRE)['tokenParam'] = 'token';

/** How long a request made while the link is down waits for it before it is reported failed. */
export const HOLD_MS = 15_000;

/**
 * Chooses the transport: inside Electron the preload has exposed window.assetql (IPC);
 * in a browser (assetql serve) we speak the same contract over a WebSocket.
 */
export function connectBridge(): AssetqlApi {
  if (window.assetql) {
    useConnection.getState().set('open', 0);
    return window.assetql;
  }
  return createWebSocketBridge();
}

interface Held { text: string; done(result: ApiResult<unknown>): void; timer: ReturnType<typeof setTimeout> }

/**
 * The WebSocket transport. Requests made while the link is down are HELD (not sent) until it
 * is back; one still held after HOLD_MS is reported failed and dropped, so a request the user
 * was told failed is never sent later. A request already sent when the link dropped is
 * reported failed with "may or may not have happened" and is never re-sent: the server may
 * have done it, and blind replays would double actions (cancel twice, two batches).
 */
function createWebSocketBridge(): AssetqlApi {
  const token = new URLSearchParams(location.search).get(TOKEN_PARAM) ?? '';
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
  const sent = new Map<number, (result: ApiResult<unknown>) => void>();
  const held = new Map<number, Held>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const link = useConnection.getState();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let everOpen = false;
  let retryMs = 250;

  const report = (): void => link.set(socket?.readyState === WebSocket.OPEN ? 'open' : everOpen ? 'lost' : 'connecting', held.size);

  const open = (): void => {
    const ws = new WebSocket(wsUrl);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      everOpen = true;
      for (const [id, h] of held) {
        clearTimeout(h.timer);
        sent.set(id, h.done);
        ws.send(h.text);
      }
      held.clear();
      report();
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as WireServerMessage;
      if (msg.t === 'res') {
        sent.get(msg.id)?.(msg.result);
        sent.delete(msg.id);
      } else {
        for (const l of listeners.get(msg.name) ?? []) l(msg.payload);
      }
    };
    ws.onclose = () => {
      socket = null;
      for (const [id, done] of sent) {
        done({ ok: false, error: { kind: 'Network', message: 'the connection to AssetQL was lost before it answered; it may or may not have been done — check, then try again' } });
        sent.delete(id);
      }
      report();
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 2000);
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
        const done = resolve as (result: ApiResult<unknown>) => void;
        if (socket?.readyState === WebSocket.OPEN) {
          sent.set(id, done);
          socket.send(text);
          return;
        }
        const timer = setTimeout(() => {
          // Expired while held: report it failed and forget it, so it is never sent later.
          held.delete(id);
          report();
          done({ ok: false, error: { kind: 'Network', message: `AssetQL could not be reached for ${Math.round(HOLD_MS / 1000)} s, so this was not sent; try again when the connection is back` } });
        }, HOLD_MS);
        held.set(id, { text, done, timer });
        report();
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
