import { describe, expect, it } from 'vitest';
import { explainCudaFailure } from '../../../main/gpu-runtime/cuda-errors.ts';
import { crc32Update } from '../../../main/gpu-runtime/crc32.ts';

const ort = (lib: string): string =>
  `/onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1836 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library /home/u/.local/share/assetql/runtimes/onnxruntime-node-1.30.0-cuda/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so with error: ${lib}: cannot open shared object file: No such file or directory`;

describe('what the user reads when CUDA does not start', () => {
  it('names cuDNN 9 when libcudnn is missing', () => {
    expect(explainCudaFailure(ort('libcudnn.so.9'))).toMatch(/^cuDNN 9 for CUDA 12 is not installed \(libcudnn\.so\.9 is missing\)/);
  });
  it('names CUDA 12 when cuBLAS or the runtime is missing', () => {
    expect(explainCudaFailure(ort('libcublasLt.so.12'))).toMatch(/^The CUDA 12 runtime is not installed \(libcublasLt\.so\.12 is missing\)/);
  });
  it('names the driver when libcuda.so.1 is missing', () => {
    expect(explainCudaFailure(ort('libcuda.so.1'))).toMatch(/^No NVIDIA driver found/);
  });
  it('an old driver', () => {
    expect(explainCudaFailure('CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version')).toMatch(/driver is too old/);
  });
});

describe('crc32 (ZIP entries)', () => {
  it('matches the standard check value', () => {
    expect(crc32Update(0, Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
