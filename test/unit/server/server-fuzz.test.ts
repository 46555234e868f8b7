import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawRequest } from './raw-http.ts';

/**
 * A bounded fuzz run against `startUiServer` in a child process: random and malformed HTTP,
 * upgrade handshakes, raw and well-formed WebSocket frames (invalid UTF-8, over-size, garbage
 * opcodes) and random API payloads. After every round the server must answer a valid page
 * request and a valid API request; a server that stopped answering is restarted and counted.
 * Seeded, so a failure replays; about 2,400 requests, and it stops by itself.
 */
const SEED = 0x13_5eed;
const ROUNDS = 24;
const PER_ROUND = { http: 50, upgrade: 15, frames: 15, api: 20 };
const TOKEN = 'fuzz-token-0123456789';

let rand = SEED;
function random(): number {
  // mulberry32
  rand = (rand + 0x6d2b79f5) | 0;
  let t = Math.imul(rand ^ (rand >>> 15), 1 | rand);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
const int = (n: number): number => Math.floor(random() * n);
const junk = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));

interface Child {
  proc: ChildProcess;
  port: number;
}

const root = mkdtempSync(join(tmpdir(), 'aq-fuzz-'));
const rendererDir = join(root, 'renderer');
mkdirSync(rendererDir);
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>fuzz</title>');
let child: Child | null = null;
/** Exits the test did not cause: a request that killed the server. */
let unexpectedExits = 0;

async function startChild(): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'server-child-entry.ts'), join(root, 'data'), rendererDir, TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    lines.on('line', (l) => {
      const m = /^port (\d+)$/.exec(l);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`fuzz server exited during start (${code})`)));
  });
  proc.once('exit', () => {
    if (!proc.killed) unexpectedExits++;
  });
  return { proc, port };
}

afterAll(async () => {
  if (child && child.proc.exitCode === null) {
    child.proc.kill('SIGTERM');
    await new Promise((r) => child?.proc.once('exit', r));
  }
  rmSync(root, { recursive: true, force: true });
});

function httpCase(port: number): string | Buffer {
  const host = pick([`127.0.0.1:${port}`, `localhost:${port}`, 'a b', '', 'evil.example', `[::1]:${port}`, '\u0000', `127.0.0.1:${port} x`, 'x'.repeat(400)]);
  const target = pick(['/', '//', '/files/..%2f..%2fetc/passwd', '/%zz', '/files/%00', '/?token=' + TOKEN, '/upload?name=a.csv', '/ws', '*', 'http://evil/', '/' + 'a'.repeat(9000), junk(12).toString('latin1')]);
  const method = pick(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'G E T', 'TRACE', junk(4).toString('latin1')]);
  const version = pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', '']);
  const headers = [
    host === '' ? '' : `Host: ${host}`,
    pick(['', `Cookie: assetql_token_${port}=${TOKEN}`, 'Cookie: %', `Cookie: assetql_token_${port}=%E0%A4%A`, `Cookie: ${'c'.repeat(20000)}`]),
    pick(['', 'Content-Length: 5', 'Content-Length: -1', 'Content-Length: abc', 'Content-Length: 99999999999', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked\r\nContent-Length: 3']),
    pick(['', `Origin: http://127.0.0.1:${port}`, 'Origin: null', 'Origin: https://evil.example']),
    pick(['', 'X-Junk: \u0001\u0002', `${junk(6).toString('latin1')}: v`, ': empty-name']),
  ].filter(Boolean);
  const body = pick(['', 'hello', 'zz\r\nnot-a-chunk\r\n', '0\r\n\r\n', junk(64).toString('latin1'), 'name,colour\nsword,red\n']);
  const text = `${method} ${target} ${version}\r\n${headers.join('\r\n')}\r\n\r\n${body}`;
  return random() < 0.1 ? junk(int(300)) : random() < 0.1 ? text.slice(0, int(text.length)) : text;
}

function upgradeCase(port: number): string {
  const lines = [
    `GET ${pick(['/ws', '//', '/ws?token=' + TOKEN, '/ws?token=wrong', '/x', '/ws?token=%zz'])} HTTP/1.1`,
    pick([`Host: 127.0.0.1:${port}`, 'Host: a b', 'Host: evil.example', '', `Host: localhost:${port}`]),
    pick(['Upgrade: websocket', 'Upgrade: h2c', 'Upgrade: websocket, junk', 'Upgrade:']),
    pick(['Connection: Upgrade', 'Connection: close', 'Connection: keep-alive, Upgrade']),
    pick(['Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Key: short', '', 'Sec-WebSocket-Key: ' + 'A'.repeat(500)]),
    pick(['Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 8', 'Sec-WebSocket-Version: x', '']),
    pick([`Origin: http://127.0.0.1:${port}`, 'Origin: https://evil.example', '']),
    pick(['', `Cookie: assetql_token_${port}=${TOKEN}`, 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=99']),
  ].filter(Boolean);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A raw frame after a valid handshake: random opcode, mask, length fields and payload. */
function rawFrame(): Buffer {
  const kind = int(5);
  const mask = random() < 0.8;
  const payload = kind === 0 ? Buffer.from([0xc3, 0x28, 0xa0, 0xa1]) : junk(int(200));
  const opcode = pick([0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa, 0xb, 0xf]);
  const fin = random() < 0.8 ? 0x80 : 0;
  const rsv = random() < 0.2 ? 0x70 : 0;
  if (kind === 1) {
    // Claims a 2^63-byte payload.
    return Buffer.concat([Buffer.from([fin | 0x1, (mask ? 0x80 : 0) | 127, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), junk(8)]);
  }
  const header = Buffer.from([fin | rsv | opcode, (mask ? 0x80 : 0) | Math.min(payload.length, 125)]);
  const key = mask ? junk(4) : Buffer.alloc(0);
  const body = Buffer.from(payload.subarray(0, 125));
  if (mask) for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (key[i % 4] as number);
  return Buffer.concat([header, key, body]);
}

function sendRawFrames(port: number, frames: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => socket.destroy(), 1000);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('connect', () =>
      socket.write(
        `GET /ws?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    socket.once('data', () => {
      for (const f of frames) socket.write(f);
      setTimeout(() => socket.end(), 50);
    });
  });
}

const API_NAMES = ['app.info', 'batches.get', 'batches.list', 'batches.tasks', 'delta.list', 'library.search', 'library.facets', 'library.get', 'metrics.get', 'models.list', 'profiles.get', 'profiles.list', 'review.list', 'settings.get', 'secrets.status', 'tasks.get', 'intake.parseCsv', 'intake.checkRefs', 'uploads.put', 'no.such', '__proto__', 'constructor', 'toString'];

function randomValue(depth = 0): unknown {
  switch (int(depth > 2 ? 6 : 9)) {
    case 0: return null;
    case 1: return int(2) === 0;
    case 2: return pick([0, -1, 1e308, -0, 2 ** 53 + 1, 0.5]);
    case 3: return pick(['', 'x'.repeat(int(5000)), '\u0000\u001b[2J', '../../etc/passwd', '00000000-0000-0000-0000-000000000000', '%s%n']);
    case 4: return junk(int(20)).toString('latin1');
    case 5: return int(3);
    case 6: return Array.from({ length: int(4) }, () => randomValue(depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < int(4); i++) o[pick(['id', 'query', 'uploadId', 'uploadIds', 'name', 'dataBase64', 'limit', 'batchId', '__proto__', 'constructor', 'filters'])] = randomValue(depth + 1);
      return o;
    }
  }
}

function apiMessage(): string | Buffer {
  const r = random();
  if (r < 0.1) return junk(int(100));
  if (r < 0.2) return pick(['{', '[]', 'null', '{"t":"req"}', '{"t":"req","id":"1","name":1}', '{"t":"req","id":1e400,"name":"app.info"}']);
  return JSON.stringify({ t: 'req', id: int(1e6), name: pick(API_NAMES), arg: randomValue() });
}

async function sendApiRound(port: number, count: number): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${TOKEN}`, { origin: `http://127.0.0.1:${port}` });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    ws.once('open', () => resolve());
    ws.once('close', () => resolve());
  });
  for (let i = 0; i < count && ws.readyState === ws.OPEN; i++) ws.send(apiMessage());
  if (ws.readyState === ws.OPEN && random() < 0.3) ws.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: false }); // invalid UTF-8
  await new Promise((r) => setTimeout(r, 30));
  ws.terminate();
}

async function alive(port: number): Promise<boolean> {
  try {
    const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie: `assetql_token_${port}=${TOKEN}` }, signal: AbortSignal.timeout(5000) });
    if (page.status !== 200) return false;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${TOKEN}`, { origin: `http://127.0.0.1:${port}` });
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5000);
      ws.on('error', () => resolve(false));
      ws.once('open', () => ws.send(JSON.stringify({ t: 'req', id: 1, name: 'app.info', arg: {} })));
      ws.once('message', (d) => {
        clearTimeout(timer);
        ws.close();
        resolve((JSON.parse(String(d)) as { t: string; result?: { ok: boolean } }).result?.ok === true);
      });
    });
  } catch {
    return false;
  }
}

async function inBatches<T>(items: T[], width: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(run));
}

describe('fuzzing the browser UI server', () => {
  it('stays up through random and malformed requests, frames and payloads', async () => {
    child = await startChild();
    let sent = 0;
    let restarts = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const port = child.port;
      const http = Array.from({ length: PER_ROUND.http }, () => httpCase(port));
      await inBatches(http, 25, (req) => rawRequest(port, req, 500));
      const upgrades = Array.from({ length: PER_ROUND.upgrade }, () => upgradeCase(port));
      await inBatches(upgrades, 15, (req) => rawRequest(port, req, 500));
      const frames = Array.from({ length: PER_ROUND.frames }, () => [rawFrame(), rawFrame()]);
      await inBatches(frames, 15, (f) => sendRawFrames(port, f));
      await sendApiRound(port, PER_ROUND.api);
      sent += PER_ROUND.http + PER_ROUND.upgrade + PER_ROUND.frames * 2 + PER_ROUND.api;
      if (!(await alive(port))) {
        restarts++;
        child.proc.kill('SIGKILL');
        child = await startChild();
      }
    }
    // The figures for the closing note.
    console.log(`server fuzz: ${sent} requests/frames sent in ${ROUNDS} rounds, restarts: ${restarts}, unexpected exits: ${unexpectedExits}`);
    expect(sent).toBeGreaterThan(2000);
    expect(restarts).toBe(0);
    expect(unexpectedExits).toBe(0);
  }, 300_000);
});
