import { LAYOUT_UNET } from '../../../models/test-pack/layout-unet-graph.ts';

/**
 * The tiny layout UNet computed with plain loops from PyTorch-layout parameters (diffusers
 * names, Linear weights [out, in]) — independent of ONNX, of the export layout and of the
 * import code. Batch 1.
 */
export type Params = Map<string, Float32Array>;

const B = 'down_blocks.1.attentions.0.transformer_blocks.0';
const R = 'down_blocks.1.resnets.0';

function p(params: Params, name: string): Float32Array {
  const v = params.get(name);
  if (!v) throw new Error(`reference: missing parameter ${name}`);
  return v;
}

function conv(x: Float32Array, inC: number, H: number, W: number, w: Float32Array, b: Float32Array, outC: number, k: number): Float32Array {
  const out = new Float32Array(outC * H * W);
  const pad = (k - 1) / 2;
  for (let o = 0; o < outC; o++)
    for (let y = 0; y < H; y++)
      for (let xx = 0; xx < W; xx++) {
        let s = b[o] ?? 0;
        for (let c = 0; c < inC; c++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const iy = y + ky - pad;
              const ix = xx + kx - pad;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              s += (w[((o * inC + c) * k + ky) * k + kx] ?? 0) * (x[(c * H + iy) * W + ix] ?? 0);
            }
        out[(o * H + y) * W + xx] = s;
      }
  return out;
}

/** y[s, o] = Σ_i x[s, i]·W[o, i] + b[o] */
function linear(x: Float32Array, rows: number, inDim: number, w: Float32Array, outDim: number, b?: Float32Array): Float32Array {
  const out = new Float32Array(rows * outDim);
  for (let s = 0; s < rows; s++)
    for (let o = 0; o < outDim; o++) {
      let acc = b?.[o] ?? 0;
      for (let i = 0; i < inDim; i++) acc += (x[s * inDim + i] ?? 0) * (w[o * inDim + i] ?? 0);
      out[s * outDim + o] = acc;
    }
  return out;
}

function layerNorm(x: Float32Array, rows: number, d: number, g: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let s = 0; s < rows; s++) {
    let mean = 0;
    for (let i = 0; i < d; i++) mean += x[s * d + i] ?? 0;
    mean /= d;
    let v = 0;
    for (let i = 0; i < d; i++) v += ((x[s * d + i] ?? 0) - mean) ** 2;
    const inv = 1 / Math.sqrt(v / d + 1e-5);
    for (let i = 0; i < d; i++) out[s * d + i] = ((x[s * d + i] ?? 0) - mean) * inv * (g[i] ?? 0) + (b[i] ?? 0);
  }
  return out;
}

/** Multi-head attention over [S, D] queries and [L, D] keys/values. */
export function attention(q: Float32Array, k: Float32Array, v: Float32Array, S: number, L: number, D: number, heads: number): Float32Array {
  const hd = D / heads;
  const out = new Float32Array(S * D);
  for (let h = 0; h < heads; h++)
    for (let s = 0; s < S; s++) {
      const scores = new Float64Array(L);
      let max = -Infinity;
      for (let l = 0; l < L; l++) {
        let acc = 0;
        for (let j = 0; j < hd; j++) acc += (q[s * D + h * hd + j] ?? 0) * (k[l * D + h * hd + j] ?? 0);
        scores[l] = acc / Math.sqrt(hd);
        max = Math.max(max, scores[l]!);
      }
      let sum = 0;
      for (let l = 0; l < L; l++) {
        scores[l] = Math.exp(scores[l]! - max);
        sum += scores[l]!;
      }
      for (let j = 0; j < hd; j++) {
        let acc = 0;
        for (let l = 0; l < L; l++) acc += (scores[l]! / sum) * (v[l * D + h * hd + j] ?? 0);
        out[s * D + h * hd + j] = acc;
      }
    }
  return out;
}

const add = (a: Float32Array, b: Float32Array): Float32Array => a.map((x, i) => x + (b[i] ?? 0));

/** IP-Adapter branch: tokens [T, ctx] and to_k_ip / to_v_ip [D, ctx] (PyTorch layout). */
export interface IpReference {
  tokens: Float32Array;
  T: number;
  k: Float32Array;
  v: Float32Array;
  scale: number;
}

export function referenceUnet(params: Params, sample: Float32Array, H: number, W: number, ehs: Float32Array, L: number, ctx: number, textEmbeds: Float32Array, pooled: number, ip?: IpReference): Float32Array {
  const { latentChannels: C, hidden: D, heads: N, ffInner: F } = LAYOUT_UNET;
  let h = conv(sample, C, H, W, p(params, 'conv_in.weight'), p(params, 'conv_in.bias'), D, 3);
  h = add(conv(h, D, H, W, p(params, `${R}.conv1.weight`), p(params, `${R}.conv1.bias`), D, 3), conv(h, D, H, W, p(params, `${R}.conv_shortcut.weight`), p(params, `${R}.conv_shortcut.bias`), D, 1));
  const temb = linear(textEmbeds, 1, pooled, p(params, 'add_embedding.linear_1.weight'), D, p(params, 'add_embedding.linear_1.bias'));
  const S = H * W;
  let x: Float32Array = new Float32Array(S * D);
  for (let c = 0; c < D; c++) for (let s = 0; s < S; s++) x[s * D + c] = (h[c * S + s] ?? 0) + (temb[c] ?? 0);
  const lin = (name: string, inp: Float32Array, rows: number, i: number, o: number, bias: boolean): Float32Array => linear(inp, rows, i, p(params, `${B}.${name}.weight`), o, bias ? p(params, `${B}.${name}.bias`) : undefined);
  const n1 = layerNorm(x, S, D, p(params, `${B}.norm1.weight`), p(params, `${B}.norm1.bias`));
  const a1 = attention(lin('attn1.to_q', n1, S, D, D, false), lin('attn1.to_k', n1, S, D, D, false), lin('attn1.to_v', n1, S, D, D, false), S, S, D, N);
  x = add(x, lin('attn1.to_out.0', a1, S, D, D, true));
  const n2 = layerNorm(x, S, D, p(params, `${B}.norm2.weight`), p(params, `${B}.norm2.bias`));
  const q2 = lin('attn2.to_q', n2, S, D, D, false);
  let a2 = attention(q2, lin('attn2.to_k', ehs, L, ctx, D, false), lin('attn2.to_v', ehs, L, ctx, D, false), S, L, D, N);
  if (ip) {
    // Decoupled cross-attention (IP-Adapter): + scale · Attn(q, tokens·W_k_ipᵀ, tokens·W_v_ipᵀ).
    const ipOut = attention(q2, linear(ip.tokens, ip.T, ctx, ip.k, D), linear(ip.tokens, ip.T, ctx, ip.v, D), S, ip.T, D, N);
    a2 = a2.map((x, i) => x + ip.scale * (ipOut[i] ?? 0));
  }
  x = add(x, lin('attn2.to_out.0', a2, S, D, D, true));
  const n3 = layerNorm(x, S, D, p(params, `${B}.norm3.weight`), p(params, `${B}.norm3.bias`));
  const f = lin('ff.net.2', lin('ff.net.0.proj', n3, S, D, F, true).map(Math.tanh), S, F, D, true);
  x = add(x, f);
  const back = new Float32Array(D * S);
  for (let c = 0; c < D; c++) for (let s = 0; s < S; s++) back[c * S + s] = x[s * D + c] ?? 0;
  return conv(back, D, H, W, p(params, 'conv_out.weight'), p(params, 'conv_out.bias'), C, 3);
}

/** Every parameter name of the tiny UNet with its PyTorch shape. */
export function unetParamShapes(ctx: number, pooled: number): Map<string, number[]> {
  const { latentChannels: C, hidden: D, ffInner: F } = LAYOUT_UNET;
  const m = new Map<string, number[]>([
    ['conv_in.weight', [D, C, 3, 3]],
    ['conv_in.bias', [D]],
    [`${R}.conv1.weight`, [D, D, 3, 3]],
    [`${R}.conv1.bias`, [D]],
    [`${R}.conv_shortcut.weight`, [D, D, 1, 1]],
    [`${R}.conv_shortcut.bias`, [D]],
    ['add_embedding.linear_1.weight', [D, pooled]],
    ['add_embedding.linear_1.bias', [D]],
    ['conv_out.weight', [C, D, 3, 3]],
    ['conv_out.bias', [C]],
  ]);
  for (const n of ['norm1', 'norm2', 'norm3']) {
    m.set(`${B}.${n}.weight`, [D]);
    m.set(`${B}.${n}.bias`, [D]);
  }
  for (const n of ['attn1.to_q', 'attn1.to_k', 'attn1.to_v', 'attn2.to_q']) m.set(`${B}.${n}.weight`, [D, D]);
  for (const n of ['attn2.to_k', 'attn2.to_v']) m.set(`${B}.${n}.weight`, [D, ctx]);
  for (const n of ['attn1.to_out.0', 'attn2.to_out.0']) {
    m.set(`${B}.${n}.weight`, [D, D]);
    m.set(`${B}.${n}.bias`, [D]);
  }
  m.set(`${B}.ff.net.0.proj.weight`, [F, D]);
  m.set(`${B}.ff.net.0.proj.bias`, [F]);
  m.set(`${B}.ff.net.2.weight`, [D, F]);
  m.set(`${B}.ff.net.2.bias`, [D]);
  return m;
}

/** diffusers UNet name → original SGM name (the direction a checkpoint on disk uses). */
export function sgmUnetName(name: string): string {
  return `model.diffusion_model.${name
    .replace(/^conv_in\./, 'input_blocks.0.0.')
    .replace(/^conv_out\./, 'out.2.')
    .replace(/^add_embedding\.linear_1\./, 'label_emb.0.0.')
    .replace(/^down_blocks\.1\.resnets\.0\.conv1\./, 'input_blocks.4.0.in_layers.2.')
    .replace(/^down_blocks\.1\.resnets\.0\.conv_shortcut\./, 'input_blocks.4.0.skip_connection.')
    .replace(/^down_blocks\.1\.attentions\.0\./, 'input_blocks.4.1.')}`;
}
