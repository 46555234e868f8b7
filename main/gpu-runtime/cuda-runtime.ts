import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AppError } from '../core/app-error.ts';
import { downloadFile } from '../../models/downloader/download-file.ts';
import { ensureFreeSpace, freeBytesAt, type FreeSpaceFn } from '../../models/downloader/disk-space.ts';
import { hashInto, sha256File } from '../../models/downloader/hash-file.ts';
import { ACTIVE_FILE, activeRuntime, runtimeBinDir, runtimesRoot } from '../../workers/onnx/runtime-location.ts';
import { cudaPackageSpec, type CudaPackageSpec } from './ort-package.ts';
import { resolveNupkg } from './nuget-feed.ts';
import { probeCudaRuntime, type ProbeResult } from './probe-runtime.ts';
import { extractZipEntry, listZipEntries } from './zip-reader.ts';

export type CudaStage = 'checking' | 'resolving' | 'downloading' | 'verifying' | 'extracting' | 'testing' | 'done';
export interface CudaProgress { stage: CudaStage; bytesDone: number; bytesTotal: number; message: string }

export interface EnableCudaOptions {
  root?: string;
  spec?: CudaPackageSpec;
  /** Another NuGet v3 feed (a mirror); defaults to the one onnxruntime-node's installer uses. */
  feedIndex?: string;
  fetchImpl?: typeof fetch;
  signal?: AbortSignal;
  onProgress?: (p: CudaProgress) => void;
  freeSpace?: FreeSpaceFn;
  /** Skip the "is there an NVIDIA driver" precheck (the GPU test itself still decides). */
  skipDriverCheck?: boolean;
  retries?: number;
  backoffMs?: number;
}

export interface CudaRuntimeResult {
  /** enabled: CUDA ran a test model; installed-not-working: files are in place, CUDA did not start. */
  state: 'enabled' | 'installed-not-working';
  dir: string;
  probe: ProbeResult;
  /** Processes that already loaded ONNX Runtime keep the old one until restarted. */
  restartNeeded: boolean;
  downloadedBytes: number;
  source: { url: string; sha512: string } | null;
}

const RUNTIME_FILE = 'runtime.json';
const runtimeName = (spec: CudaPackageSpec): string => `onnxruntime-node-${spec.ortVersion}-cuda`;

/** Cheap signs of an NVIDIA driver: its device nodes or its user-space library. */
export function nvidiaDriverPresent(): boolean {
  if (existsSync('/dev/nvidiactl') || existsSync('/dev/nvidia0')) return true;
  return ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/lib/wsl/lib'].some((d) => existsSync(join(d, 'libcuda.so.1')));
}

export interface CudaRuntimeStatus {
  /** Linux x64: the only platform onnxruntime-node offers a CUDA provider download for. */
  offered: boolean;
  reason: string | null;
  driverFound: boolean;
  installed: boolean;
  active: boolean;
  dir: string | null;
  ortVersion: string;
  packageName: string | null;
  packageVersion: string | null;
}

export function cudaRuntimeStatus(opts: { root?: string; platform?: string; arch?: string } = {}): CudaRuntimeStatus {
  const root = opts.root ?? runtimesRoot();
  let spec: CudaPackageSpec | undefined;
  let reason: string | null = null;
  try {
    spec = cudaPackageSpec(opts.platform, opts.arch);
  } catch (err) {
    reason = (err as Error).message;
  }
  const ortVersion = spec?.ortVersion ?? (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  const dir = spec ? join(root, runtimeName(spec)) : null;
  const installed = !!dir && existsSync(join(dir, RUNTIME_FILE));
  const active = !!dir && activeRuntime(root, ortVersion)?.dir === dir;
  return { offered: !!spec, reason, driverFound: nvidiaDriverPresent(), installed, active, dir, ortVersion, packageName: spec?.packageName ?? null, packageVersion: spec?.version ?? null };
}

/**
 * "Enable CUDA acceleration": fetches the exact ONNX Runtime CUDA provider package the installed
 * onnxruntime-node expects (same feed, package and files as its `install:cuda`), verifies it
 * against the feed's published SHA-512, builds a private runtime copy in a per-user folder with
 * the providers next to its libonnxruntime.so, tests it on the GPU in a child process and, if
 * CUDA runs, makes it the active runtime. Downloads resume; a run after installing a missing
 * CUDA/cuDNN only re-tests.
 */
export async function enableCuda(opts: EnableCudaOptions = {}): Promise<CudaRuntimeResult> {
  const spec = opts.spec ?? cudaPackageSpec();
  const root = opts.root ?? runtimesRoot();
  const report = (stage: CudaStage, message: string, bytesDone = 0, bytesTotal = 0): void => opts.onProgress?.({ stage, message, bytesDone, bytesTotal });
  if (!opts.skipDriverCheck && !nvidiaDriverPresent()) {
    throw new AppError('Unavailable', 'No NVIDIA driver found on this machine (no /dev/nvidia* and no libcuda.so.1): CUDA acceleration needs an NVIDIA GPU with its driver installed. Nothing was downloaded.');
  }
  const dir = join(root, runtimeName(spec));
  await mkdir(root, { recursive: true });
  report('checking', 'checking an earlier install');
  let downloadedBytes = 0;
  let source: CudaRuntimeResult['source'] = null;
  if (!(await installedIntact(dir, spec))) {
    report('resolving', `looking up ${spec.packageName} ${spec.version} on the package feed`);
    const nupkg = await resolveNupkg(opts.feedIndex ?? spec.feedIndex, spec.packageName, spec.version, { ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    source = { url: nupkg.url, sha512: nupkg.sha512 };
    const dest = join(root, 'downloads', nupkg.fileName);
    const ortBytes = dirBytes(join(spec.ortDir, 'bin', 'napi-v6', process.platform, process.arch));
    // The package, the libraries unpacked from it (about twice its size), and the runtime copy.
    await ensureFreeSpace(root, nupkg.size - ((await sizeOf(`${dest}.part`)) ?? 0) + nupkg.size * 2 + ortBytes, opts.freeSpace ?? freeBytesAt);
    report('downloading', `downloading ${nupkg.fileName}`, 0, nupkg.size);
    let done = 0;
    const r = await downloadFile({
      url: nupkg.url,
      dest,
      expectedSize: nupkg.size,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
      ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
      ...(opts.backoffMs !== undefined ? { backoffMs: opts.backoffMs } : {}),
      onExisting: (n) => { done = n; report('downloading', 'resuming', done, nupkg.size); },
      onBytes: (n) => { done += n; downloadedBytes += n; report('downloading', `downloading ${nupkg.fileName}`, done, nupkg.size); },
      onDiscard: (n) => { done -= n; },
    });
    report('verifying', 'checking the package against the feed\'s SHA-512', r.size, nupkg.size);
    const h = createHash('sha512');
    await hashInto(h, dest, opts.signal ? { signal: opts.signal } : {});
    const got = h.digest('hex');
    if (got !== nupkg.sha512) {
      await rm(dest, { force: true });
      throw new AppError('Network', `${nupkg.fileName} does not match the SHA-512 the package feed publishes for it; the file was deleted and nothing was installed. Try again later or from another network.`, { url: nupkg.url, expected: nupkg.sha512, got });
    }
    report('extracting', 'unpacking the CUDA provider libraries');
    await buildRuntime(dest, dir, spec);
    await rm(dest, { force: true });
  }
  report('testing', 'testing CUDA with a small model');
  const probe = await probeCudaRuntime(dir);
  if (probe.ok) {
    await writeFile(join(root, ACTIVE_FILE), `${JSON.stringify({ dir, ortVersion: spec.ortVersion, provider: 'cuda' }, null, 2)}\n`);
  } else if (activeRuntime(root, spec.ortVersion)?.dir === dir) {
    await rm(join(root, ACTIVE_FILE), { force: true });
  }
  report('done', probe.message);
  return { state: probe.ok ? 'enabled' : 'installed-not-working', dir, probe, restartNeeded: probe.ok, downloadedBytes, source };
}

/** Removes the runtime copy and deactivates it (the bundled runtime is used from the next start). */
export async function disableCuda(opts: { root?: string; spec?: CudaPackageSpec } = {}): Promise<void> {
  const spec = opts.spec ?? cudaPackageSpec();
  const root = opts.root ?? runtimesRoot();
  const dir = join(root, runtimeName(spec));
  if (activeRuntime(root, spec.ortVersion)?.dir === dir) await rm(join(root, ACTIVE_FILE), { force: true });
  await rm(dir, { recursive: true, force: true });
}

async function buildRuntime(nupkgPath: string, dir: string, spec: CudaPackageSpec): Promise<void> {
  const entries = new Map((await listZipEntries(nupkgPath)).map((e) => [e.name, e]));
  const nuspec = [...entries.values()].find((e) => e.name.endsWith('.nuspec') && !e.name.includes('/'));
  const staging = `${dir}.staging`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    if (!nuspec) throw new AppError('BadInput', `${nupkgPath} has no .nuspec: not a NuGet package`);
    await extractZipEntry(nupkgPath, nuspec, join(staging, 'package.nuspec'));
    const xml = await readFile(join(staging, 'package.nuspec'), 'utf8');
    const id = /<id>([^<]+)<\/id>/i.exec(xml)?.[1]?.trim();
    const version = /<version>([^<]+)<\/version>/i.exec(xml)?.[1]?.trim();
    if (id?.toLowerCase() !== spec.packageName.toLowerCase() || version?.toLowerCase() !== spec.version.toLowerCase()) {
      throw new AppError('BadInput', `the package is ${id ?? '?'} ${version ?? '?'}, expected ${spec.packageName} ${spec.version}`);
    }
    // A private copy of onnxruntime-node (+ onnxruntime-common, which it requires).
    const pkgDir = join(staging, 'node_modules', 'onnxruntime-node');
    copyTree(spec.ortDir, pkgDir, (rel) => rel === 'package.json' || rel.startsWith('dist') || rel.startsWith(join('bin', 'napi-v6', process.platform, process.arch)) || rel === 'bin' || rel === join('bin', 'napi-v6') || rel === join('bin', 'napi-v6', process.platform));
    const commonDir = packageRoot(createRequire(join(spec.ortDir, 'package.json')).resolve('onnxruntime-common'), 'onnxruntime-common');
    copyTree(commonDir, join(staging, 'node_modules', 'onnxruntime-common'), (rel) => rel === 'package.json' || rel.startsWith('dist'));
    const bin = runtimeBinDir(staging);
    const files: Record<string, string> = {};
    for (const f of spec.files) {
      const entry = entries.get(f.pathInPackage);
      if (!entry) throw new AppError('BadInput', `${spec.packageName} ${spec.version} has no ${f.pathInPackage}`);
      const out = join(bin, f.name);
      await extractZipEntry(nupkgPath, entry, out);
      await assertSharedLibrary(out);
      files[f.name] = (await sha256File(out)).sha256;
    }
    await writeFile(join(staging, 'index.js'), '// anchor for require() resolution of this runtime copy\n');
    await writeFile(join(staging, RUNTIME_FILE), `${JSON.stringify({ ortVersion: spec.ortVersion, package: spec.packageName, version: spec.version, files, installedAt: new Date().toISOString() }, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** The runtime folder is complete and its provider libraries still hash to what was installed. */
async function installedIntact(dir: string, spec: CudaPackageSpec): Promise<boolean> {
  try {
    const rec = JSON.parse(await readFile(join(dir, RUNTIME_FILE), 'utf8')) as { ortVersion?: string; files?: Record<string, string> };
    if (rec.ortVersion !== spec.ortVersion || !rec.files) return false;
    for (const f of spec.files) {
      const want = rec.files[f.name];
      if (!want || (await sha256File(join(runtimeBinDir(dir), f.name))).sha256 !== want) return false;
    }
    return existsSync(join(dir, 'node_modules', 'onnxruntime-node', 'package.json'));
  } catch {
    return false;
  }
}

async function assertSharedLibrary(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    const elf = head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF';
    if (process.platform === 'linux' && !elf) throw new AppError('BadInput', `${path} from the package is not a Linux shared library`);
  } finally {
    await fh.close();
  }
}

/** Copies files (synchronously: Electron's fs reads inside app.asar this way too). */
function copyTree(from: string, to: string, keep: (rel: string) => boolean, rel = ''): void {
  for (const name of readdirSync(join(from, rel))) {
    const r = join(rel, name);
    if (!keep(r)) continue;
    const src = join(from, r);
    if (statSync(src).isDirectory()) copyTree(from, to, keep, r);
    else {
      mkdirSync(dirname(join(to, r)), { recursive: true });
      writeFileSync(join(to, r), readFileSync(src));
    }
  }
}

/** The folder of the package.json named `name` above a resolved entry file (its exports hide package.json). */
function packageRoot(entry: string, name: string): string {
  for (let d = dirname(entry); d !== dirname(d); d = dirname(d)) {
    const pj = join(d, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === name) return d;
  }
  throw new AppError('Internal', `cannot find the ${name} package folder above ${entry}`);
}

function dirBytes(dir: string): number {
  try {
    return readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
  } catch {
    return 0;
  }
}

async function sizeOf(p: string): Promise<number | undefined> {
  try {
    return (await stat(p)).size;
  } catch {
    return undefined;
  }
}
