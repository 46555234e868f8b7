import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { UPLOAD_LIMITS } from '../../../main/uploads/upload-limits.ts';

/**
 * Four parallel uploads of the maximum size against a server in its own process; the figure is
 * the server process's peak RSS (VmHWM) over the run. Before uploads were streamed, four 190 MiB
 * uploads took the server to 1.8 GB. The bound asserted is generous (the server must not hold
 * the files); the measured figure is printed for the note.
 */
const TOKEN = 'memory-token-0123456789';
const CHUNK = Buffer.from('name,colour,notes\n' + 'sword,red,a plain row of text\n'.repeat(Math.floor((1024 * 1024 - 18) / 30)));

function vmHwmMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function streamUpload(port: number, name: string, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: `/upload?name=${name}`, headers: { cookie: `assetql_token_${port}=${TOKEN}`, 'content-length': String(bytes) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    let left = bytes;
    const pump = (): void => {
      while (left > 0) {
        const part = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= part.length;
        if (!req.write(part)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

describe.skipIf(process.platform !== 'linux')('upload memory', () => {
  it('four parallel maximum-size uploads keep the server flat in memory', async () => {
    const root = mkdtempSync(join(tmpdir(), 'aq-upmem-'));
    const rendererDir = join(root, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
    const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'server-child-entry.ts'), join(root, 'data'), rendererDir, TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        createInterface({ input: proc.stdout! }).on('line', (l) => {
          const m = /^port (\d+)$/.exec(l);
          if (m) resolve(Number(m[1]));
        });
        proc.once('exit', (code) => reject(new Error(`server exited (${code})`)));
      });
      const before = vmHwmMiB(proc.pid!);
      const size = UPLOAD_LIMITS.maxFileBytes;
      const statuses = await Promise.all([1, 2, 3, 4].map((i) => streamUpload(port, `big-${i}.csv`, size)));
      const peak = vmHwmMiB(proc.pid!);
      console.log(`upload memory: 4 × ${size / 1024 / 1024} MiB in parallel; server peak RSS ${peak.toFixed(0)} MiB (${before.toFixed(0)} MiB before, +${(peak - before).toFixed(0)} MiB)`);
      expect(statuses).toEqual([200, 200, 200, 200]);
      expect(readdirSync(join(root, 'data', 'library', 'uploads'))).toHaveLength(4);
      expect(peak - before).toBeLessThan(150);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(root, { recursive: true, force: true }); // 600 MiB of test data
    }
  }, 180_000);
});
