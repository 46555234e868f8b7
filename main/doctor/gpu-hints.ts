import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Cheap, read-only clues about the GPU stack, so "CUDA failed to start" comes with a likely
 * cause (no driver, no device node, no Vulkan loader for WebGPU) instead of a bare error.
 */
export function gpuHints(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string[] {
  const hints: string[] = [];
  const onPath = (exe: string): boolean => (env['PATH'] ?? '').split(delimiter).some((d) => d && existsSync(join(d, exe)));
  if (platform === 'linux') {
    const nvidiaDev = existsSync('/dev/nvidia0') || existsSync('/dev/nvidiactl');
    hints.push(nvidiaDev ? 'NVIDIA device nodes present (/dev/nvidia*)' : 'no NVIDIA device nodes (/dev/nvidia*): no NVIDIA driver loaded, CUDA cannot work');
    hints.push(onPath('nvidia-smi') ? 'nvidia-smi found on PATH' : 'nvidia-smi not on PATH');
    const libDirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/cuda/lib64', ...(env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean)];
    const has = (lib: string): boolean => libDirs.some((d) => existsSync(join(d, lib)));
    hints.push(has('libcuda.so.1') ? 'CUDA driver library libcuda.so.1 found' : 'CUDA driver library libcuda.so.1 not found');
    hints.push(has('libcudart.so.12') ? 'CUDA 12 runtime libcudart.so.12 found' : 'CUDA 12 runtime (libcudart.so.12) not found in the usual folders or LD_LIBRARY_PATH; the CUDA provider needs CUDA 12 and cuDNN 9');
    hints.push(has('libvulkan.so.1') ? 'Vulkan loader libvulkan.so.1 found (WebGPU backend)' : 'Vulkan loader libvulkan.so.1 not found: WebGPU has no adapter on Linux without it');
    let render: string[] = [];
    try {
      render = readdirSync('/dev/dri').filter((n) => n.startsWith('renderD'));
    } catch {
      render = [];
    }
    hints.push(render.length ? `GPU render nodes: ${render.map((n) => `/dev/dri/${n}`).join(', ')}` : 'no GPU render nodes in /dev/dri');
  } else if (platform === 'win32') {
    hints.push(onPath('nvidia-smi.exe') ? 'nvidia-smi.exe found: NVIDIA driver installed' : 'nvidia-smi.exe not on PATH: DirectML still works on AMD/Intel/NVIDIA GPUs');
  } else if (platform === 'darwin') {
    hints.push(process.arch === 'arm64' ? 'Apple silicon: CoreML can use the GPU and Neural Engine' : 'Intel Mac: CoreML runs mostly on CPU');
  }
  return hints;
}
