import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../../../bin/assetql.mjs');

export interface Proc {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** JSON lines printed so far. */
  events(): Record<string, unknown>[];
  exited: Promise<number | null>;
  waitFor(pred: (e: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  kill(sig?: NodeJS.Signals): void;
}

const live = new Set<ChildProcess>();
// Workers retry Redis forever (as they should in production): never leave one behind when the
// test process ends, even on an uncaught failure.
process.once('exit', () => {
  for (const c of live) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Runs `assetql <args>` as a real process (tsx loader, as users run it). */
export function assetql(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ASSETQL_PROVIDERS: 'cpu', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let o = '';
  let e = '';
  child.stdout!.on('data', (d: Buffer) => (o += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (e += d.toString()));
  live.add(child);
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      live.delete(child);
      r(code);
    }),
  );
  const events = (): Record<string, unknown>[] =>
    o
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      });
  return {
    child,
    out: () => o,
    err: () => e,
    events,
    exited,
    async waitFor(pred, ms = 60_000) {
      const t0 = Date.now();
      for (;;) {
        const hit = events().find(pred);
        if (hit) return hit;
        if (child.exitCode !== null || Date.now() - t0 > ms) throw new Error(`timed out / exited waiting for an event; stdout: ${o.slice(-2000)} stderr: ${e.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    kill: (sig = 'SIGTERM') => void child.kill(sig),
  };
}

export function workerArgs(redisUrl: string, storeUrl: string, packDir: string, extra: string[] = []): string[] {
  return ['worker', '--redis', redisUrl, '--store', storeUrl, '--pack', packDir, '--json', ...extra];
}

/**
 * s3rver (the local test S3) deletes a folder when its last object goes, racing with a PUT into
 * the same folder (ENOENT, and s3rver crashes). A permanent object keeps work/ from emptying.
 * Real S3 has no folders; this is only for the test server.
 */
export async function pinWorkFolder(storeUrl: string): Promise<void> {
  const { createWorkStore, workObjectKey } = await import('../../../../main/distributed/work-store.ts');
  const { parseStoreUrl } = await import('../../../../main/distributed/store-url.ts');
  const store = createWorkStore(parseStoreUrl(storeUrl, {}));
  try {
    await store.put(workObjectKey(store.config, 'keep', 'json'), Buffer.from('{}'), 'application/json');
  } finally {
    store.close();
  }
}
