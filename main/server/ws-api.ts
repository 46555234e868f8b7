import type { WebSocket, WebSocketServer } from 'ws';
import type { WireClientMessage, WireServerMessage } from '../../preload/api.ts';
import type { ApiRegistry, RequestContext } from '../api/registry.ts';
import type { EventBus } from '../api/event-bus.ts';
import type { ServerLog } from './server-log.ts';

/**
 * The API contract over a WebSocket. Every socket has an error listener: ws reports invalid
 * UTF-8 (1007) and over-size frames (1009) as 'error' events, and an EventEmitter 'error' with
 * no listener throws — that used to take the whole server down.
 */
export function serveApiOverSockets(wss: WebSocketServer, registry: ApiRegistry, bus: EventBus, ctx: RequestContext, log: ServerLog): void {
  wss.on('error', (err) => log(`websocket server error: ${err.message}`));
  wss.on('connection', (ws: WebSocket) => {
    ws.on('error', (err) => log(`websocket closed on a bad frame: ${err.message}`));
    const send = (msg: WireServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg), (err) => err && log(`websocket send failed: ${err.message}`));
    };
    const unsubscribe = bus.subscribe((name, payload) => send({ t: 'evt', name, payload }));
    ws.on('close', unsubscribe);
    ws.on('message', (data, isBinary) => {
      const msg = parseClientMessage(isBinary ? null : String(data));
      if (!msg) {
        log('websocket message ignored: not a request of the AssetQL wire protocol');
        return;
      }
      registry
        .dispatch(msg.name, msg.arg, ctx)
        .then((result) => send({ t: 'res', id: msg.id, result }))
        .catch((err: unknown) => log(`request ${String(msg.name).slice(0, 60)} failed outside its handler: ${err instanceof Error ? err.message : String(err)}`));
    });
  });
}

function parseClientMessage(text: string | null): WireClientMessage | null {
  if (text === null) return null;
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof msg !== 'object' || msg === null) return null;
  const m = msg as Partial<WireClientMessage>;
  if (m.t !== 'req' || typeof m.id !== 'number' || !Number.isSafeInteger(m.id) || typeof m.name !== 'string') return null;
  return { t: 'req', id: m.id, name: m.name, arg: m.arg };
}
