/**
 * Original (SGM / "ldm") SDXL parameter names → diffusers / transformers names, following
 * diffusers' single-file conversion (convert_ldm_unet_checkpoint, convert_open_clip_checkpoint,
 * convert_ldm_vae_checkpoint) for SDXL's layout: 3 UNet levels, 2 resnets per level.
 */
export type ComponentGroup = 'unet' | 'text_encoder' | 'text_encoder_2' | 'vae';

export interface MappedName {
  group: ComponentGroup;
  name: string;
  /** Rows [start, end) of a packed source (OpenCLIP in_proj → q/k/v). */
  rows?: [number, number];
  /** The source is stored transposed relative to the target (OpenCLIP text_projection). */
  transpose?: boolean;
}

const LAYERS_PER_BLOCK = 2;

const RESNET_PARTS: Array<[string, string]> = [
  ['in_layers.0.', 'norm1.'],
  ['in_layers.2.', 'conv1.'],
  ['emb_layers.1.', 'time_emb_proj.'],
  ['out_layers.0.', 'norm2.'],
  ['out_layers.3.', 'conv2.'],
  ['skip_connection.', 'conv_shortcut.'],
];

function renameResnet(rest: string): string {
  for (const [from, to] of RESNET_PARTS) if (rest.startsWith(from)) return to + rest.slice(from.length);
  return rest;
}

/** A UNet name relative to `model.diffusion_model.` → diffusers UNet name (null: unknown). */
export function unetName(n: string): string | null {
  const fixed: Array<[string, string]> = [
    ['time_embed.0.', 'time_embedding.linear_1.'],
    ['time_embed.2.', 'time_embedding.linear_2.'],
    ['label_emb.0.0.', 'add_embedding.linear_1.'],
    ['label_emb.0.2.', 'add_embedding.linear_2.'],
    ['input_blocks.0.0.', 'conv_in.'],
    ['out.0.', 'conv_norm_out.'],
    ['out.2.', 'conv_out.'],
  ];
  for (const [from, to] of fixed) if (n.startsWith(from)) return to + n.slice(from.length);
  let m = /^input_blocks\.(\d+)\.(\d+)\.(.+)$/.exec(n);
  if (m) {
    const i = Number(m[1]) - 1;
    const block = Math.floor(i / (LAYERS_PER_BLOCK + 1));
    const layer = i % (LAYERS_PER_BLOCK + 1);
    const rest = m[3]!;
    if (layer === LAYERS_PER_BLOCK) return rest.startsWith('op.') ? `down_blocks.${block}.downsamplers.0.conv.${rest.slice(3)}` : null;
    return m[2] === '0' ? `down_blocks.${block}.resnets.${layer}.${renameResnet(rest)}` : `down_blocks.${block}.attentions.${layer}.${rest}`;
  }
  m = /^middle_block\.(\d+)\.(.+)$/.exec(n);
  if (m) {
    const k = Number(m[1]);
    return k === 1 ? `mid_block.attentions.0.${m[2]}` : `mid_block.resnets.${k / 2}.${renameResnet(m[2]!)}`;
  }
  m = /^output_blocks\.(\d+)\.(\d+)\.(.+)$/.exec(n);
  if (m) {
    const i = Number(m[1]);
    const block = Math.floor(i / (LAYERS_PER_BLOCK + 1));
    const layer = i % (LAYERS_PER_BLOCK + 1);
    const rest = m[3]!;
    if (m[2] === '0') return `up_blocks.${block}.resnets.${layer}.${renameResnet(rest)}`;
    if (rest.startsWith('conv.')) return `up_blocks.${block}.upsamplers.0.conv.${rest.slice(5)}`;
    return `up_blocks.${block}.attentions.${layer}.${rest}`;
  }
  return null;
}

/** OpenCLIP ViT-bigG text tower (relative to `conditioner.embedders.1.model.`) → CLIPTextModelWithProjection. */
export function openClipNames(n: string, width: number): MappedName[] | null {
  const te = (name: string, extra: Partial<MappedName> = {}): MappedName[] => [{ group: 'text_encoder_2', name, ...extra }];
  if (n === 'token_embedding.weight') return te('text_model.embeddings.token_embedding.weight');
  if (n === 'positional_embedding') return te('text_model.embeddings.position_embedding.weight');
  if (n.startsWith('ln_final.')) return te(`text_model.final_layer_norm.${n.slice(9)}`);
  if (n === 'text_projection') return te('text_projection.weight', { transpose: true });
  const m = /^transformer\.resblocks\.(\d+)\.(.+)$/.exec(n);
  if (!m) return null;
  const p = `text_model.encoder.layers.${m[1]}.`;
  const rest = m[2]!;
  if (rest === 'attn.in_proj_weight' || rest === 'attn.in_proj_bias') {
    const suffix = rest.endsWith('weight') ? 'weight' : 'bias';
    return ['q_proj', 'k_proj', 'v_proj'].map((q, i) => ({ group: 'text_encoder_2', name: `${p}self_attn.${q}.${suffix}`, rows: [i * width, (i + 1) * width] as [number, number] }));
  }
  const parts: Array<[string, string]> = [
    ['attn.out_proj.', 'self_attn.out_proj.'],
    ['ln_1.', 'layer_norm1.'],
    ['ln_2.', 'layer_norm2.'],
    ['mlp.c_fc.', 'mlp.fc1.'],
    ['mlp.c_proj.', 'mlp.fc2.'],
  ];
  for (const [from, to] of parts) if (rest.startsWith(from)) return te(p + to + rest.slice(from.length));
  return null;
}

/** LDM VAE (relative to `first_stage_model.`) → diffusers AutoencoderKL. */
export function vaeName(n: string): string | null {
  if (/^(post_)?quant_conv\./.test(n)) return n;
  let m = /^(encoder|decoder)\.(.+)$/.exec(n);
  if (!m) return null;
  const side = m[1]!;
  let rest = m[2]!;
  const simple: Array<[string, string]> = [
    ['conv_in.', 'conv_in.'],
    ['conv_out.', 'conv_out.'],
    ['norm_out.', 'conv_norm_out.'],
    ['mid.block_1.', 'mid_block.resnets.0.'],
    ['mid.block_2.', 'mid_block.resnets.1.'],
  ];
  for (const [from, to] of simple) if (rest.startsWith(from)) return `${side}.${to}${vaeResnet(rest.slice(from.length))}`;
  m = /^mid\.attn_1\.(norm|q|k|v|proj_out)\.(.+)$/.exec(rest);
  if (m) {
    const to = { norm: 'group_norm', q: 'to_q', k: 'to_k', v: 'to_v', proj_out: 'to_out.0' }[m[1] as 'norm' | 'q' | 'k' | 'v' | 'proj_out'];
    return `${side}.mid_block.attentions.0.${to}.${m[2]}`;
  }
  m = /^(down|up)\.(\d+)\.(block|downsample|upsample)\.(.+)$/.exec(rest);
  if (!m) return null;
  // The LDM decoder numbers its levels bottom-up; diffusers numbers up_blocks top-down.
  const level = m[1] === 'up' ? 3 - Number(m[2]) : Number(m[2]);
  const blocks = m[1] === 'up' ? 'up_blocks' : 'down_blocks';
  rest = m[4]!;
  if (m[3] === 'block') {
    const r = /^(\d+)\.(.+)$/.exec(rest);
    return r ? `${side}.${blocks}.${level}.resnets.${r[1]}.${vaeResnet(r[2]!)}` : null;
  }
  const sampler = m[3] === 'downsample' ? 'downsamplers' : 'upsamplers';
  return `${side}.${blocks}.${level}.${sampler}.0.${rest}`;
}

function vaeResnet(rest: string): string {
  return rest.startsWith('nin_shortcut.') ? `conv_shortcut.${rest.slice(13)}` : rest;
}

/** One checkpoint key (SGM or diffusers naming) → its target parameter(s). */
export function mapCheckpointName(key: string, openClipWidth: number): MappedName[] | null {
  const strip = (prefix: string): string | null => (key.startsWith(prefix) ? key.slice(prefix.length) : null);
  let rest = strip('model.diffusion_model.');
  if (rest !== null) {
    const name = unetName(rest);
    return name ? [{ group: 'unet', name }] : null;
  }
  rest = strip('conditioner.embedders.0.transformer.');
  if (rest !== null) return [{ group: 'text_encoder', name: rest }];
  rest = strip('conditioner.embedders.1.model.');
  if (rest !== null) return openClipNames(rest, openClipWidth);
  rest = strip('first_stage_model.');
  if (rest !== null) {
    const name = vaeName(rest);
    return name ? [{ group: 'vae', name }] : null;
  }
  // Diffusers naming: one file with component prefixes.
  for (const group of ['unet', 'text_encoder_2', 'text_encoder', 'vae'] as const) {
    rest = strip(`${group}.`);
    if (rest !== null) return [{ group, name: rest }];
  }
  // A bare diffusers UNet file (unet/diffusion_pytorch_model.safetensors).
  if (/^(conv_in|conv_out|conv_norm_out|time_embedding|add_embedding|down_blocks|mid_block|up_blocks)\./.test(key)) return [{ group: 'unet', name: key }];
  return null;
}
