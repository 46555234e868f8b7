import { unetName } from '../weights/sgm-names.ts';

export type LoraComponent = 'unet' | 'text_encoder' | 'text_encoder_2';

/** One LoRA layer as found in the file: which tensors hold down/up/alpha for which module. */
export interface LoraLayer {
  component: LoraComponent;
  /** Module id: dotted diffusers name, or kohya's flattened name (underscores) to resolve. */
  module: string;
  flat: boolean;
  down?: string;
  up?: string;
  alpha?: string;
}

/**
 * The key formats LoRAs ship in:
 * - kohya-ss / A1111: `lora_unet_<module_with_underscores>.lora_down.weight|.lora_up.weight|.alpha`,
 *   `lora_te1_…`, `lora_te2_…` (`lora_te_` for one-encoder models), UNet modules in diffusers
 *   or original SGM naming (`lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q`);
 * - diffusers / PEFT: `unet.<module>.lora_A.weight|lora_B.weight`, `.lora.down/.lora.up`,
 *   the older `.processor.to_q_lora.down.weight`, `text_encoder.` / `text_encoder_2.` prefixes
 *   and PEFT's `base_model.model.` (UNet) prefix.
 */
export function groupLoraKeys(keys: Iterable<string>): { layers: LoraLayer[]; unknown: string[] } {
  const layers = new Map<string, LoraLayer>();
  const unknown: string[] = [];
  for (const key of keys) {
    const parsed = parseKey(key);
    if (!parsed) {
      unknown.push(key);
      continue;
    }
    const id = `${parsed.component}:${parsed.module}`;
    const layer = layers.get(id) ?? { component: parsed.component, module: parsed.module, flat: parsed.flat };
    layer[parsed.part] = key;
    layers.set(id, layer);
  }
  return { layers: [...layers.values()], unknown };
}

function parseKey(key: string): { component: LoraComponent; module: string; flat: boolean; part: 'down' | 'up' | 'alpha' } | null {
  const kohya = /^lora_(unet|te1|te2|te)_(.+?)\.(lora_down\.weight|lora_up\.weight|alpha)$/.exec(key);
  if (kohya) {
    const component: LoraComponent = kohya[1] === 'unet' ? 'unet' : kohya[1] === 'te2' ? 'text_encoder_2' : 'text_encoder';
    const part = kohya[3] === 'alpha' ? 'alpha' : kohya[3]!.startsWith('lora_down') ? 'down' : 'up';
    return { component, module: kohya[2]!, flat: true, part };
  }
  const suffix = /^(.+?)\.(lora_A\.weight|lora_B\.weight|lora\.down\.weight|lora\.up\.weight|lora_linear_layer\.down\.weight|lora_linear_layer\.up\.weight|alpha)$/.exec(key);
  const old = /^(.+)\.processor\.(to_q|to_k|to_v|to_out)_lora\.(down|up)\.weight$/.exec(key);
  let path: string;
  let part: 'down' | 'up' | 'alpha';
  if (old) {
    path = `${old[1]}.${old[2] === 'to_out' ? 'to_out.0' : old[2]}`;
    part = old[3] as 'down' | 'up';
  } else if (suffix) {
    path = suffix[1]!;
    const s = suffix[2]!;
    part = s === 'alpha' ? 'alpha' : /lora_A|down/.test(s) ? 'down' : 'up';
  } else return null;
  const prefixes: Array<[string, LoraComponent]> = [
    ['unet.', 'unet'],
    ['text_encoder_2.', 'text_encoder_2'],
    ['text_encoder.', 'text_encoder'],
    ['base_model.model.', 'unet'],
  ];
  for (const [p, component] of prefixes) if (path.startsWith(p)) return { component, module: path.slice(p.length), flat: false, part };
  return { component: 'unet', module: path, flat: false, part };
}

export const flatten = (name: string): string => name.replace(/\./g, '_');

const SGM_RESNET_FLAT: Array<[RegExp, string]> = [
  [/^in_layers_(\d+)_?/, 'in_layers.$1.'],
  [/^out_layers_(\d+)_?/, 'out_layers.$1.'],
  [/^emb_layers_(\d+)_?/, 'emb_layers.$1.'],
  [/^skip_connection_?/, 'skip_connection.'],
  [/^op_?/, 'op.'],
  [/^conv_?$/, 'conv.'],
];

/**
 * A kohya UNet module in original SGM naming (`input_blocks_4_1_transformer_blocks_0_attn1_to_q`)
 * → the flattened diffusers name (`down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q`),
 * or the input unchanged when it is not SGM-named.
 */
export function sgmFlatToDiffusersFlat(flat: string): string {
  const m = /^(input_blocks|output_blocks|middle_block)_(\d+)(?:_(\d+))?_(.*)$/.exec(flat) ?? /^(time_embed|label_emb_0|out)_(\d+)()_?(.*)$/.exec(flat);
  if (!m) return flat;
  let rest = m[4] ?? '';
  for (const [re, to] of SGM_RESNET_FLAT) rest = rest.replace(re, to);
  const dotted = (m[3] ? `${m[1]}.${m[2]}.${m[3]}.` : `${m[1]!.replace(/_/g, '.')}.${m[2]}.`) + rest;
  const mapped = unetName(dotted.endsWith('.') ? `${dotted}weight` : `${dotted}.weight`);
  return mapped ? flatten(mapped.replace(/\.weight$/, '')).replace(/_+$/, '') : flat;
}
