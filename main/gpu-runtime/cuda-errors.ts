/**
 * Turns what the dynamic loader and the CUDA provider say into what the person has to do.
 * ONNX Runtime 1.2x/1.30's CUDA provider is built for CUDA 12 and cuDNN 9.
 */
export function explainCudaFailure(raw: string): string {
  // The library the loader could not open is the one named right before its complaint.
  const lib = /(lib[\w.+-]+\.so(?:\.\d+)*): cannot open shared object file/.exec(raw)?.[1] ?? /(lib[\w.+-]+\.so(?:\.\d+)*)/.exec(raw)?.[1];
  const missing = /cannot open shared object file|No such file or directory/.test(raw);
  if (lib === 'libcuda.so.1' && missing) return 'No NVIDIA driver found (libcuda.so.1 is missing): install the NVIDIA driver (version 525 or newer), restart, then enable CUDA again.';
  if (lib?.startsWith('libcudnn') && missing) return `cuDNN 9 for CUDA 12 is not installed (${lib ?? 'libcudnn.so.9'} is missing): install it (e.g. the libcudnn9-cuda-12 package from NVIDIA's repository), then press Enable CUDA acceleration again — nothing is downloaded twice.`;
  if (/^libcu(dart|blas|blasLt|fft|rand)\.so/.test(lib ?? '') && missing) return `The CUDA 12 runtime is not installed (${lib ?? 'libcudart.so.12'} is missing): install CUDA 12.x (e.g. cuda-runtime-12-x and libcublas-12-x from NVIDIA's repository; CUDA 11 and 13 do not fit this ONNX Runtime), then press Enable CUDA acceleration again.`;
  if (/invalid ELF header|file too short|wrong ELF class|not a dynamic executable|ELF load command/.test(raw)) return `The downloaded provider library ${lib ?? ''} does not load on this machine (not a valid Linux x64 library): remove the CUDA runtime in Settings and enable it again.`.replace('  ', ' ');
  if (/insufficient|driver version/i.test(raw)) return 'The NVIDIA driver is too old for CUDA 12: update it to version 525 or newer.';
  if (/no CUDA-capable device|cudaErrorNoDevice|no device/i.test(raw)) return 'No NVIDIA GPU is visible to CUDA (driver loaded but no device): check that the GPU is not disabled or passed to a VM.';
  if (missing && lib) return `A library the CUDA provider needs is missing: ${lib}.`;
  return `The CUDA provider did not start: ${raw.split('\n')[0]?.slice(0, 300) ?? raw}`;
}
