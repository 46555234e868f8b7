import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createOrtSession, listSupportedBackends, loadedRuntimeDir, OrtTensorClass } from './ort.ts';
import { runtimeBinDir } from './runtime-location.ts';
import { reluModel } from '../../models/test-pack/relu-model.ts';

export { reluModel };
import { PROVIDER_LABELS, PROVIDER_ORDER, type ProviderName, type ProviderStatus } from './provider-types.ts';

export * from './provider-types.ts';

/**
 * Which execution providers can actually run here, and why the others cannot. "Available" means
 * a real session was created and run with that provider — not merely that the binding lists it —
 * because a listed provider can still fail on a missing driver, library or adapter.
 * Loads onnxruntime: only workers call it (main/ asks the worker pool: 'providers.detect').
 */

/** What to do when the CUDA provider libraries are absent (main/gpu-runtime installs them). */
export const CUDA_INSTALL_HINT = 'CUDA provider not installed: use Settings → Provider status → Enable CUDA acceleration, or run `assetql gpu enable-cuda` (downloads ONNX Runtime\'s CUDA 12 provider libraries)';

export interface DetectOptions {
  platform?: NodeJS.Platform;
  arch?: string;
  /** Folder holding onnxruntime's native libraries; defaults to the installed package's. */
  binDir?: string;
  /** Upper bound for one probe session (WebGPU adapter discovery can be slow). */
  probeTimeoutMs?: number;
  /** Only probe these providers (others are reported as not checked). */
  only?: readonly ProviderName[];
}

export function ortBinDir(platform: string = process.platform, arch: string = process.arch): string {
  if (loadedRuntimeDir) return runtimeBinDir(loadedRuntimeDir, platform, arch);
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('onnxruntime-node/package.json'));
  return join(pkg, 'bin', 'napi-v6', platform, arch);
}

export async function detectProviders(opts: DetectOptions = {}): Promise<ProviderStatus[]> {
  const platform = opts.platform ?? process.platform;
  const arch = opts.arch ?? process.arch;
  const binDir = opts.binDir ?? ortBinDir(platform, arch);
  const backends = new Map(listSupportedBackends().map((b) => [b.name, b.bundled]));
  const probeDir = await mkdtemp(join(tmpdir(), 'assetql-ep-probe-'));
  const probePath = join(probeDir, 'relu.onnx');
  await writeFile(probePath, reluModel());
  const out: Array<ProviderStatus | Promise<ProviderStatus>> = [];
  try {
    for (const name of PROVIDER_ORDER) {
      const status = (available: boolean, reason: string, probeMs?: number): ProviderStatus => ({
        name,
        label: PROVIDER_LABELS[name],
        available,
        reason,
        ...(probeMs !== undefined ? { probeMs } : {}),
      });
      if (opts.only && !opts.only.includes(name)) {
        out.push(status(false, 'not checked'));
        continue;
      }
      const blocked = staticBlocker(name, platform, arch, binDir, backends);
      if (blocked) {
        out.push(status(false, blocked));
        continue;
      }
      // Only probe sessions for the real platform: a simulated platform cannot load anything.
      if (platform !== process.platform || arch !== process.arch) {
        out.push(status(false, `not probed (simulated platform ${platform}/${arch})`));
        continue;
      }
      const t0 = performance.now();
      const timeoutMs = opts.probeTimeoutMs ?? 15_000;
      const finish = (result: { error: string | undefined; nativeOutput: string }): ProviderStatus => {
        const ms = performance.now() - t0;
        const s = result.error ? status(false, `${PROVIDER_LABELS[name]} failed to start: ${result.error}`, ms) : status(true, 'probe session ran', ms);
        return result.nativeOutput ? { ...s, nativeOutput: result.nativeOutput } : s;
      };
      if (ISOLATED_PROBES.has(name) && !globalThis.__ASSETQL_BUNDLED__) {
        // A child process: runs alongside the in-process probes that follow.
        out.push(probeIsolated(name, timeoutMs).then(finish));
      } else {
        out.push(finish({ error: await probe(probePath, name, timeoutMs), nativeOutput: '' }));
      }
    }
    return await Promise.all(out);
  } finally {
    await rm(probeDir, { recursive: true, force: true });
  }
}

/** Reasons that need no session: wrong OS, provider not compiled in, libraries not installed. */
export function staticBlocker(name: ProviderName, platform: string, arch: string, binDir: string, backends: ReadonlyMap<string, boolean>): string | undefined {
  switch (name) {
    case 'cuda': {
      if (platform !== 'linux' && platform !== 'win32') return 'CUDA is only available on Linux and Windows with an NVIDIA GPU';
      if (!backends.has('cuda')) return `this onnxruntime-node build has no CUDA provider for ${platform}/${arch}`;
      const lib = platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
      const shared = platform === 'win32' ? 'onnxruntime_providers_shared.dll' : 'libonnxruntime_providers_shared.so';
      if (!existsSync(join(binDir, lib)) || !existsSync(join(binDir, shared))) return CUDA_INSTALL_HINT;
      return undefined;
    }
    case 'dml':
      if (platform !== 'win32') return 'DirectML is Windows-only';
      if (!backends.has('dml') || !existsSync(join(binDir, 'DirectML.dll'))) return `DirectML.dll is missing from ${binDir}; reinstall onnxruntime-node`;
      return undefined;
    case 'coreml':
      if (platform !== 'darwin') return 'CoreML is macOS-only';
      if (!backends.has('coreml')) return `this onnxruntime-node build has no CoreML provider for ${platform}/${arch}`;
      return undefined;
    case 'webgpu':
      if (!backends.has('webgpu')) return `this onnxruntime-node build has no WebGPU provider for ${platform}/${arch}`;
      return undefined;
    case 'cpu':
      return undefined;
  }
}

/**
 * Providers whose native code writes to the process's stderr while being probed (Dawn, under
 * WebGPU, warns about a missing Vulkan loader with a C++ source frame). They are probed in a
 * child process so that output is captured, not printed on every CLI run.
 */
const ISOLATED_PROBES: ReadonlySet<ProviderName> = new Set(['webgpu']);

declare global {
  // Defined as true by scripts/build.mjs in the Electron bundle (no .ts child entry there).
  var __ASSETQL_BUNDLED__: boolean | undefined;
}

/** Runs probe-child.ts through tsx in a child process; its stderr is the captured native output. */
async function probeIsolated(name: ProviderName, timeoutMs: number): Promise<{ error: string | undefined; nativeOutput: string }> {
  const entry = fileURLToPath(new URL('./probe-child.ts', import.meta.url));
  // tsx's `--import` loader, resolved to a file so the child does not depend on its cwd.
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsxLoader, entry], {
    env: { ...process.env, ORT_DISABLE_TELEMETRY: '1', ASSETQL_PROBE_PROVIDER: name, ASSETQL_PROBE_TIMEOUT_MS: String(timeoutMs) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 10_000);
  const exit = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(-1));
    child.once('close', (c) => resolve(c));
  });
  clearTimeout(timer);
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(line) as { error: string | null };
    return { error: parsed.error ?? undefined, nativeOutput: stderr.trim() };
  } catch {
    return { error: `the probe process ended without an answer (exit ${exit})${stderr ? `: ${shortReason(stderr)}` : ''}`, nativeOutput: stderr.trim() };
  }
}

/** Creates and runs the probe model with one provider; returns the failure reason or undefined. */
export async function probe(path: string, name: ProviderName, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  const attempt = (async (): Promise<string | undefined> => {
    try {
      const session = await createOrtSession(path, { executionProviders: [name], logSeverityLevel: 4 });
      try {
        const out = await session.run({ x: new OrtTensorClass('float32', Float32Array.from([-1, 2, -3, 4]), [4]) });
        const y = out['y']?.data;
        if (!(y instanceof Float32Array) || y[0] !== 0 || y[1] !== 2) return 'probe session returned a wrong result';
        return undefined;
      } finally {
        await session.release();
      }
    } catch (err) {
      return shortReason(err);
    }
  })();
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * ORT messages carry source paths and lambda names; keep the human part, e.g.
 * "Failed to get a WebGPU adapter: No supported adapters".
 */
export function shortReason(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const firstLine = raw.split('\n').find((l) => l.trim()) ?? raw;
  const afterFalse = /was false\.\s*(.+)$/.exec(firstLine);
  const cleaned = (afterFalse?.[1] ?? firstLine).replace(/^\/?[^\s]*\.(cc|cpp|h):\d+\s+/, '').trim();
  return cleaned.length > 300 ? `${cleaned.slice(0, 300)}…` : cleaned;
}

