import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The browser bridge while the link is down: requests are held (not sent), sent once on
 * reconnect, and a request reported failed (held too long, or in flight when the socket
 * dropped) is never sent later. A scripted WebSocket stands in for the server's socket.
 */
class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(text: string): void {
    if (this.readyState !== FakeSocket.OPEN) throw new Error('send on a closed socket');
    this.sent.push(text);
  }
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.();
  }
  answer(id: number, value: unknown): void {
    this.onmessage?.({ data: JSON.stringify({ t: 'res', id, result: { ok: true, value } }) });
  }
}

const g = globalThis as unknown as Record<string, unknown>;
g['WebSocket'] = FakeSocket;
g['location'] = { search: '?token=t', protocol: 'http:', host: '127.0.0.1:1' };
g['window'] = {};

const { connectBridge, HOLD_MS } = await import('../../../renderer/src/bridge.ts');
const { useConnection } = await import('../../../renderer/src/store/connection.ts');

const ids = (s: FakeSocket) => s.sent.map((t) => (JSON.parse(t) as { id: number; name: string }).name);

describe('browser bridge: held requests and the connection state', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.all = [];
    useConnection.setState({ state: 'connecting', epoch: 0, held: 0 });
  });
  afterEach(() => vi.useRealTimers());

  it('holds requests while down, sends them once on reconnect, and fails in-flight ones without re-sending', async () => {
    const api = connectBridge();
    const first = FakeSocket.all[0]!;
    first.open();
    expect(useConnection.getState().state).toBe('open');
    const inflight = api.request('batches.list', {});
    expect(ids(first)).toEqual(['batches.list']);
    first.drop();
    const r1 = await inflight;
    expect(r1.ok).toBe(false);
    expect(!r1.ok && r1.error.message).toMatch(/may or may not have been done/);
    expect(useConnection.getState().state).toBe('lost');

    const held = api.request('batches.pause', { id: 'b1' });
    expect(useConnection.getState().held).toBe(1);
    vi.advanceTimersByTime(300); // the bridge retries the socket
    const second = FakeSocket.all[1]!;
    second.open();
    expect(ids(second)).toEqual(['batches.pause']); // held one sent once; the failed list is NOT replayed
    expect(useConnection.getState()).toMatchObject({ state: 'open', epoch: 1, held: 0 });
    second.answer(JSON.parse(second.sent[0]!).id as number, { id: 'b1' });
    expect((await held).ok).toBe(true);
  });

  it('a request held longer than HOLD_MS is reported failed and never sent afterwards', async () => {
    const api = connectBridge();
    const first = FakeSocket.all[0]!;
    first.open();
    first.drop();
    const held = api.request('batches.cancel', { id: 'b1' });
    vi.advanceTimersByTime(HOLD_MS + 10);
    const r = await held;
    expect(!r.ok && r.error.message).toMatch(/was not sent/);
    const next = FakeSocket.all[FakeSocket.all.length - 1]!;
    next.open();
    expect(FakeSocket.all.flatMap(ids)).not.toContain('batches.cancel');
  });
});
