import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/app-error.ts';
import { cudaRuntimeStatus, enableCuda, type CudaProgress } from '../../../main/gpu-runtime/cuda-runtime.ts';
import { cudaPackageSpec, type CudaPackageSpec } from '../../../main/gpu-runtime/ort-package.ts';
import { activeRuntime, runtimeBinDir } from '../../../workers/onnx/runtime-location.ts';
import { buildZip, startFeedServer, type FeedServer } from './nuget-feed-server.ts';

const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
const hasGcc = (() => {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A .nupkg laid out like Microsoft.ML.OnnxRuntime.Gpu.Linux, with the given library bodies. */
function nupkg(spec: CudaPackageSpec, libs: Record<string, Buffer>): Buffer {
  return buildZip([
    { name: `${spec.packageName}.nuspec`, data: Buffer.from(`<?xml version="1.0"?><package><metadata><id>${spec.packageName}</id><version>${spec.version}</version></metadata></package>`) },
    ...spec.files.map((f) => ({ name: f.pathInPackage, data: libs[f.name] ?? Buffer.from('missing') })),
    { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
  ]);
}

/** No GPU here: ELF magic followed by noise, so the loader itself rejects it. */
const stubLib = (): Buffer => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), randomBytes(150_000)]);

let root: string;
let feed: FeedServer | undefined;
let spec: CudaPackageSpec;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'assetql-rt-'));
  if (linuxX64) spec = cudaPackageSpec('linux', 'x64');
});
afterEach(async () => {
  await feed?.close();
  feed = undefined;
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!linuxX64)('Enable CUDA acceleration', () => {
  it('uses the same package, version and files as onnxruntime-node\'s install:cuda', () => {
    expect(spec.packageName).toBe('Microsoft.ML.OnnxRuntime.Gpu.Linux');
    expect(spec.version).toBe(spec.ortVersion);
    expect(spec.feedIndex).toBe('https://api.nuget.org/v3/index.json');
    expect(spec.files.map((f) => f.name)).toEqual(expect.arrayContaining(['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so']));
  });

  it('fetches, verifies and places the providers next to a private libonnxruntime.so, then shows what failed to load', async () => {
    feed = await startFeedServer({ id: spec.packageName, version: spec.version, nupkg: nupkg(spec, Object.fromEntries(spec.files.map((f) => [f.name, stubLib()]))) });
    const events: CudaProgress[] = [];
    const r = await enableCuda({ spec, root, feedIndex: feed.index, skipDriverCheck: true, onProgress: (p) => events.push(p) });
    expect([...new Set(events.map((e) => e.stage))]).toEqual(['checking', 'resolving', 'downloading', 'verifying', 'extracting', 'testing', 'done']);
    const bin = runtimeBinDir(r.dir);
    for (const f of spec.files) expect(existsSync(join(bin, f.name)), f.name).toBe(true);
    expect(existsSync(join(bin, 'libonnxruntime.so.1'))).toBe(true);
    expect(existsSync(join(r.dir, 'node_modules', 'onnxruntime-common', 'package.json'))).toBe(true);
    // The downloaded package is not kept once unpacked.
    expect(existsSync(join(root, 'downloads', `${spec.packageName.toLowerCase()}.${spec.version}.nupkg`))).toBe(false);
    // The private copy loaded and ONNX Runtime looked for its providers in the copy's folder.
    expect(r.state).toBe('installed-not-working');
    expect(r.probe.ok).toBe(false);
    expect(r.probe.detail).toContain(join(bin, 'libonnxruntime_providers_shared.so'));
    expect(r.probe.message).toMatch(/^The downloaded provider library libonnxruntime_providers_shared\.so does not load on this machine/);
    expect(activeRuntime(root, spec.ortVersion)).toBeUndefined();
    expect(cudaRuntimeStatus({ root })).toMatchObject({ offered: true, installed: true, active: false, dir: r.dir });

    // Enabling again (e.g. after installing cuDNN) re-tests without downloading anything.
    const before = feed.requests.length;
    const again = await enableCuda({ spec, root, feedIndex: feed.index, skipDriverCheck: true });
    expect(again.downloadedBytes).toBe(0);
    expect(feed.requests.length).toBe(before);
    expect(again.state).toBe('installed-not-working');
  });

  it('resumes an interrupted download with Range + If-Range', async () => {
    feed = await startFeedServer({ id: spec.packageName, version: spec.version, nupkg: nupkg(spec, Object.fromEntries(spec.files.map((f) => [f.name, randomBytes(200_000)]).map(([k, v]) => [k, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), v as Buffer])]))) });
    feed.cut.afterBytes = 120_000;
    feed.cut.times = 1;
    await expect(enableCuda({ spec, root, feedIndex: feed.index, skipDriverCheck: true, retries: 0 })).rejects.toThrow(AppError);
    const r = await enableCuda({ spec, root, feedIndex: feed.index, skipDriverCheck: true });
    const resumed = feed.requests.find((q) => q.range === 'bytes=120000-');
    expect(resumed?.status).toBe(206);
    expect(resumed?.ifRange).toMatch(/^"[0-9a-f]{32}"$/);
    expect(r.downloadedBytes).toBeLessThan(feed.requests.length * 1e9); // sanity
    expect(existsSync(join(runtimeBinDir(r.dir), 'libonnxruntime_providers_cuda.so'))).toBe(true);
  });

  it('refuses a package that does not match the feed\'s SHA-512 and deletes it', async () => {
    feed = await startFeedServer({ id: spec.packageName, version: spec.version, nupkg: nupkg(spec, {}), lieSha512: randomBytes(64).toString('base64') });
    await expect(enableCuda({ spec, root, feedIndex: feed.index, skipDriverCheck: true })).rejects.toThrow(/does not match the SHA-512 the package feed publishes/);
    expect(existsSync(join(root, 'downloads', `${spec.packageName.toLowerCase()}.${spec.version}.nupkg`))).toBe(false);
    expect(cudaRuntimeStatus({ root }).installed).toBe(false);
  });

  it('says so when the feed lacks the exact version this onnxruntime-node needs', async () => {
    feed = await startFeedServer({ id: spec.packageName, version: '9.9.9', nupkg: nupkg(spec, {}) });
    await expect(enableCuda({ spec, root, feedIndex: feed.index, skipDriverCheck: true })).rejects.toThrow(`${spec.packageName} ${spec.version} is not on the feed`);
  });

  it('a file in the package that is not a shared library is refused before anything is installed', async () => {
    feed = await startFeedServer({ id: spec.packageName, version: spec.version, nupkg: nupkg(spec, Object.fromEntries(spec.files.map((f) => [f.name, Buffer.from('<html>not a library</html>')]))) });
    await expect(enableCuda({ spec, root, feedIndex: feed.index, skipDriverCheck: true })).rejects.toThrow(/is not a Linux shared library/);
    expect(cudaRuntimeStatus({ root }).installed).toBe(false);
  });

  it.skipIf(!hasGcc)('with provider libraries built against CUDA 12 on a machine without it, the user is told to install CUDA 12', async () => {
    // Real shared libraries: the providers_shared stub exports what ORT looks up; the cuda stub
    // needs libcudart.so.12, which exists only while linking (as on a machine without CUDA).
    const build = join(root, 'build');
    mkdirSync(build);
    writeFileSync(join(build, 'cudart.c'), 'int cudaRuntimeGetVersion(int* v) { *v = 12000; return 0; }\n');
    execFileSync('gcc', ['-shared', '-fPIC', '-o', join(build, 'libcudart.so.12'), '-Wl,-soname,libcudart.so.12', join(build, 'cudart.c')]);
    writeFileSync(join(build, 'shared.c'), 'void Provider_SetHost(void* h) { (void)h; }\n');
    execFileSync('gcc', ['-shared', '-fPIC', '-o', join(build, 'shared.so'), join(build, 'shared.c')]);
    writeFileSync(join(build, 'cuda.c'), 'extern int cudaRuntimeGetVersion(int*); void* GetProvider(void) { int v; cudaRuntimeGetVersion(&v); return 0; }\n');
    execFileSync('gcc', ['-shared', '-fPIC', '-o', join(build, 'cuda.so'), join(build, 'cuda.c'), '-L', build, '-l:libcudart.so.12']);
    const libs: Record<string, Buffer> = { 'libonnxruntime_providers_shared.so': readFileSync(join(build, 'shared.so')), 'libonnxruntime_providers_cuda.so': readFileSync(join(build, 'cuda.so')) };
    for (const f of spec.files) libs[f.name] ??= readFileSync(join(build, 'shared.so'));
    feed = await startFeedServer({ id: spec.packageName, version: spec.version, nupkg: nupkg(spec, libs) });
    const r = await enableCuda({ spec, root, feedIndex: feed.index, skipDriverCheck: true });
    expect(r.state).toBe('installed-not-working');
    expect(r.probe.detail).toContain('libcudart.so.12');
    expect(r.probe.message).toMatch(/^The CUDA 12 runtime is not installed \(libcudart\.so\.12 is missing\): install CUDA 12\.x/);
  });
});
