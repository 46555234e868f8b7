import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppServices } from '../../../main/api/app-services.ts';
import { openAppContext } from '../../../main/core/app-context.ts';
import { toErrorData } from '../../../main/core/app-error.ts';
import { isWriterLocked, LOCK_INFO_FILE } from '../../../main/core/data-folder-lock.ts';
import { main } from '../../../main/cli/main.ts';
import { cliIo } from '../pipeline/support/cli-fixtures.ts';

const CHILD = resolve(import.meta.dirname, 'support/lock-holder-child.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'aq-lock-'));
  dirs.push(d);
  return d;
}

async function startHolder(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('locked')) ok();
    });
    child.once('exit', (code) => fail(new Error(`lock child exited ${code}: ${err}`)));
  });
  return child;
}

function refusal(fn: () => unknown): { kind: string; message: string; detail?: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    return toErrorData(err);
  }
  throw new Error('expected the data folder to be refused');
}

describe('data folder writer lock', () => {
  it('a second writer in another process is refused with the holder pid and command; readers still open', async () => {
    const dir = tempDir();
    const child = await startHolder(dir);
    const e = refusal(() => openAppContext(dir, { writer: 'assetql run' }));
    expect(e.kind).toBe('Conflict');
    expect(e.message).toContain(`pid ${child.pid}`);
    expect(e.message).toContain('lock test child');
    expect(e.message).toContain(dir);
    expect(e.detail).toMatchObject({ pid: child.pid });
    // A reader (search, batch list, export) is not an engine: it opens and queries meanwhile.
    const reader = openAppContext(dir);
    expect(reader.db.prepare('SELECT COUNT(*) AS n FROM batches').get()).toEqual({ n: 0 });
    reader.close();
    expect(isWriterLocked(dir)).toBe(true);
  });

  it('a SIGKILLed holder leaves no lock behind: the next writer takes it at once and records itself', async () => {
    const dir = tempDir();
    const child = await startHolder(dir);
    const info = JSON.parse(readFileSync(join(dir, LOCK_INFO_FILE), 'utf8')) as { pid: number };
    expect(info.pid).toBe(child.pid);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const t0 = Date.now();
    const ctx = openAppContext(dir, { writer: 'assetql run' });
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(ctx.writer?.pid).toBe(process.pid);
    expect((JSON.parse(readFileSync(join(dir, LOCK_INFO_FILE), 'utf8')) as { pid: number }).pid).toBe(process.pid);
    ctx.close();
    expect(existsSync(join(dir, LOCK_INFO_FILE))).toBe(false);
    expect(isWriterLocked(dir)).toBe(false);
  });

  it('two writers in one process: the second is refused until the first closes', () => {
    const dir = tempDir();
    const a = openAppContext(dir, { writer: 'first' });
    const e = refusal(() => openAppContext(dir, { writer: 'second' }));
    expect(e.message).toContain(`pid ${process.pid}`);
    expect(e.message).toContain('first');
    a.close();
    const b = openAppContext(dir, { writer: 'second' });
    b.close();
  });

  it('a second `assetql serve` on the same folder exits 1 naming the holder pid', async () => {
    const dir = tempDir();
    const services = await createAppServices({ dataDir: dir, transport: 'browser', background: true });
    try {
      const f = cliIo(dir);
      const code = await main(['serve', '--data-dir', dir, '--port', '0'], f.io);
      expect(code).toBe(1);
      expect(f.err()).toContain(`in use by pid ${process.pid} (assetql serve`);
      expect(f.err()).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      await services.close();
    }
    expect(isWriterLocked(dir)).toBe(false);
  });
});
