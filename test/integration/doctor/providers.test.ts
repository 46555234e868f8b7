import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDoctorReport } from '../../../main/doctor/format-report.ts';
import { CUDA_INSTALL_HINT, detectProviders, resolveProviders, shortReason, staticBlocker, type ProviderStatus } from '../../../workers/onnx/providers.ts';

const st = (name: ProviderStatus['name'], available: boolean, reason = available ? 'ok' : 'nope'): ProviderStatus => ({ name, label: name, available, reason });

describe('provider detection', () => {
  it('probes CPU with a real session and reports it available', async () => {
    const s = await detectProviders({ only: ['cpu'] });
    const cpu = s.find((p) => p.name === 'cpu');
    expect(cpu?.available).toBe(true);
    expect(cpu?.probeMs).toBeGreaterThan(0);
    expect(s.find((p) => p.name === 'webgpu')?.reason).toBe('not checked');
  });

  it('says how to install CUDA when its provider libraries are missing, and finds them when present', () => {
    const bin = mkdtempSync(join(tmpdir(), 'ort-bin-'));
    try {
      const backends = new Map([['cpu', true], ['cuda', false], ['webgpu', true]]);
      expect(staticBlocker('cuda', 'linux', 'x64', bin, backends)).toBe(CUDA_INSTALL_HINT);
      // App users have no npm: the hint names the app's button and the CLI command.
      expect(CUDA_INSTALL_HINT).toContain('Enable CUDA acceleration');
      expect(CUDA_INSTALL_HINT).toContain('assetql gpu enable-cuda');
      expect(CUDA_INSTALL_HINT).not.toContain('npm');
      writeFileSync(join(bin, 'libonnxruntime_providers_cuda.so'), '');
      writeFileSync(join(bin, 'libonnxruntime_providers_shared.so'), '');
      expect(staticBlocker('cuda', 'linux', 'x64', bin, backends)).toBeUndefined();
      expect(staticBlocker('cuda', 'darwin', 'arm64', bin, backends)).toMatch(/Linux and Windows/);
      expect(staticBlocker('dml', 'linux', 'x64', bin, backends)).toBe('DirectML is Windows-only');
      expect(staticBlocker('dml', 'win32', 'x64', bin, new Map([['dml', true]]))).toMatch(/DirectML\.dll is missing/);
      expect(staticBlocker('coreml', 'win32', 'x64', bin, backends)).toBe('CoreML is macOS-only');
      expect(staticBlocker('webgpu', 'linux', 'x64', bin, new Map())).toMatch(/no WebGPU provider/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('reports WebGPU honestly: either a working probe or the adapter error', async () => {
    const s = await detectProviders({ only: ['webgpu'] });
    const w = s.find((p) => p.name === 'webgpu')!;
    if (!w.available) expect(w.reason).toMatch(/WebGPU/);
    else expect(w.reason).toBe('probe session ran');
  });

  it('probes WebGPU in a child process: its native warnings are captured, not printed, and doctor shows them', async () => {
    // Whatever Dawn prints (e.g. "Couldn't load Vulkan" with a C++ frame) lands in nativeOutput.
    const s = await detectProviders({ only: ['webgpu'] });
    const w = s.find((p) => p.name === 'webgpu')!;
    if (w.nativeOutput !== undefined) expect(w.nativeOutput.length).toBeGreaterThan(0);
    const report = formatDoctorReport({
      platform: 'linux', arch: 'x64', osRelease: 'test', cpus: 2, totalMemBytes: 1024 ** 3, node: 'v20', ortVersion: '1.30.0',
      providers: [{ ...st('webgpu', false, 'no adapter'), label: 'WebGPU', nativeOutput: "Warning: Couldn't load Vulkan\n    at operator() (BackendVk.cpp:368)" }, st('cpu', true)],
      resolved: { chosen: ['cpu'] }, gpuHints: [], packs: [], smoke: [], ok: true,
    } as unknown as Parameters<typeof formatDoctorReport>[0]);
    expect(report).toContain("WebGPU said: Warning: Couldn't load Vulkan");
    expect(report).toContain('WebGPU said: at operator() (BackendVk.cpp:368)');
  });

  it('shortens ORT messages to their human part', () => {
    const msg = '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize() adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n';
    expect(shortReason(new Error(msg))).toBe('Failed to get a WebGPU adapter: No supported adapters');
  });
});

describe('resolveProviders', () => {
  it('picks the best available GPU provider with CPU as the fallback', () => {
    expect(resolveProviders([st('cuda', true), st('webgpu', true), st('cpu', true)])).toEqual({ chosen: ['cuda', 'cpu'] });
    expect(resolveProviders([st('cuda', false), st('dml', true), st('cpu', true)])).toEqual({ chosen: ['dml', 'cpu'] });
  });

  it('falls back to CPU with the reasons when no GPU provider works', () => {
    const r = resolveProviders([st('cuda', false, CUDA_INSTALL_HINT), st('webgpu', false, 'no adapter'), st('cpu', true)]);
    expect(r.chosen).toEqual(['cpu']);
    expect(r.fallbackReason).toContain('assetql gpu enable-cuda');
    expect(r.fallbackReason).toContain('no adapter');
  });

  it('honours an available preference and explains an unavailable one', () => {
    expect(resolveProviders([st('cuda', true), st('webgpu', true), st('cpu', true)], 'webgpu')).toEqual({ chosen: ['webgpu', 'cpu'] });
    const r = resolveProviders([st('cuda', false, 'not installed'), st('webgpu', true), st('cpu', true)], 'cuda');
    expect(r.chosen).toEqual(['webgpu', 'cpu']);
    expect(r.fallbackReason).toBe("CUDA (NVIDIA) unavailable (not installed); using WebGPU");
  });
});
