import { createTestPack } from '../models/test-pack/create-test-pack.ts';
import { readPack } from '../workers/onnx/read-pack.ts';
import { SdxlPack } from '../workers/sdxl/sdxl-pack.ts';
import { generate } from '../workers/sdxl/generate.ts';
import { ClipPack } from '../workers/clip/clip-pack.ts';
let t = performance.now();
await createTestPack('/tmp/tp-sdxl', { kind: 'sdxl', ipAdapter: { embedDim: 16, tokens: 4 } });
await createTestPack('/tmp/tp-sdxl16', { kind: 'sdxl', float16: true, timestep: 'int64-batch', vaeEncoder: 'latent_sample' });
await createTestPack('/tmp/tp-clip', { kind: 'clip' });
console.log('build ms', performance.now() - t);
for (const dir of ['/tmp/tp-sdxl', '/tmp/tp-sdxl16']) {
  const m = await readPack(dir, 'sdxl');
  t = performance.now();
  const pack = await SdxlPack.load(dir, m, ['cpu']);
  console.log('load ms', performance.now() - t);
  for (const sampler of ['euler', 'euler_a', 'dpmpp_2m_karras'] as const) {
    t = performance.now();
    const r = await generate(pack, { prompt: 'a photo of a cat', seed: 1, sampler, preview: true }, { onProgress: (p) => {} });
    console.log(sampler, 'gen ms', (performance.now() - t).toFixed(1), r.gpuMs.toFixed(1), r.image.width, r.image.height, r.image.data.slice(0, 6).join(','));
  }
  const r2 = await generate(pack, { prompt: 'a photo of a cat', seed: 1, initImage: { width: 64, height: 64, data: new Uint8Array(64*64*3).fill(128) }, strength: 0.5, ...(dir.endsWith('16') ? {} : { ipAdapter: { imageEmbeds: new Float32Array(16).fill(0.3) } }) });
  console.log('img2img', r2.image.data.slice(0, 6).join(','));
}
const cm = await readPack('/tmp/tp-clip', 'clip');
const clip = await ClipPack.load('/tmp/tp-clip', cm, ['cpu']);
const e = await clip.embedTexts(['a photo of a cat', 'a dog']);
const im = await clip.embedImages([{ width: 50, height: 40, data: new Uint8Array(50*40*3).fill(77) }]);
console.log(e.map((v) => v.slice(0, 3)), im[0]?.length, clip.info);
