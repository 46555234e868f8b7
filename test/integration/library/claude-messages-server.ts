import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal local stand-in for the paid Messages API (POST /v1/messages) on 127.0.0.1.
 * Each request is recorded; `reply` decides status and body per request.
 */
export interface RecordedRequest {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export interface ClaudeServer {
  baseURL: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export type Reply = (req: RecordedRequest) => { status: number; body: unknown };

export function messageWithText(text: string): { status: number; body: unknown } {
  return {
    status: 200,
    body: {
      id: 'msg_test_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 812, output_tokens: 143 },
    },
  };
}

export async function startClaudeServer(reply: Reply): Promise<ClaudeServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/messages') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: req.url } }));
        return;
      }
      const rec = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> };
      requests.push(rec);
      const { status, body } = reply(rec);
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${requests.length}` }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
