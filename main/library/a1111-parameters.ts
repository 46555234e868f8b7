/**
 * The Automatic1111 "parameters" text, the de-facto recipe format other tools read back
 * (REFERENCE.md → Formats):
 *   <prompt>\nNegative prompt: <negative>\nSteps: 30, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 1024x1024, Model: x
 * A1111 omits the negative line when empty and JSON-quotes values holding `,` `:` or newlines.
 */
export interface A1111Parameters {
  prompt: string;
  negativePrompt: string;
  /** Key → raw value, in file order ("Steps" → "30", "Size" → "1024x1024"). */
  settings: Record<string, string>;
}

export interface RecipeForText {
  prompt: string;
  negativePrompt: string;
  steps?: number;
  sampler?: string;
  cfgScale?: number;
  seed?: number | null;
  width: number;
  height: number;
  model?: string;
  /** A1111's AutoV2 hash: the first 10 hex digits of the checkpoint file's sha256. */
  modelHash?: string;
  /** LoRAs baked into the weights: `<lora:name:scale>` in the prompt, `Lora hashes` in settings. */
  loras?: Array<{ name: string; scale: number; hash?: string }>;
  /** Extra "Key: value" pairs appended after Model, e.g. { 'Denoising strength': 0.6 }. */
  extra?: Record<string, string | number>;
}

function loraHashes(loras: RecipeForText['loras']): string | undefined {
  const withHash = (loras ?? []).filter((l) => l.hash);
  return withHash.length ? withHash.map((l) => `${l.name.replace(/[,:]/g, '_')}: ${l.hash}`).join(', ') : undefined;
}

/** `<lora:name:scale>` tags of an A1111 prompt (what other tools wrote, or what we did). */
export function parseLoraTags(prompt: string): Array<{ name: string; scale: number }> {
  return [...prompt.matchAll(/<lora:([^:>]+)(?::(-?\d+(?:\.\d+)?))?[^>]*>/g)].map((m) => ({ name: m[1]!, scale: m[2] !== undefined ? Number(m[2]) : 1 }));
}

function quote(v: string): string {
  return /[,:\n"]/.test(v) ? JSON.stringify(v) : v;
}

export function formatA1111Parameters(r: RecipeForText): string {
  const pairs: [string, string | number | undefined | null][] = [
    ['Steps', r.steps],
    ['Sampler', r.sampler],
    ['CFG scale', r.cfgScale],
    ['Seed', r.seed],
    ['Size', `${r.width}x${r.height}`],
    ['Model hash', r.modelHash],
    ['Model', r.model],
    ...Object.entries(r.extra ?? {}),
    ['Lora hashes', loraHashes(r.loras)],
  ];
  const line = pairs
    .filter((p): p is [string, string | number] => p[1] !== undefined && p[1] !== null && p[1] !== '')
    .map(([k, v]) => `${k}: ${quote(String(v))}`)
    .join(', ');
  // A1111 keeps LoRAs in the prompt as <lora:name:multiplier>, which other tools parse back.
  const tags = (r.loras ?? []).map((l) => `<lora:${l.name.replace(/[<>:]/g, '_')}:${l.scale}>`);
  const lines = [tags.length ? `${r.prompt} ${tags.join(' ')}` : r.prompt];
  if (r.negativePrompt) lines.push(`Negative prompt: ${r.negativePrompt}`);
  lines.push(line);
  return lines.join('\n');
}

// Same shape as A1111's re_param: `Key: value` or `Key: "json string"`, comma separated.
const PARAM_RE = /\s*([\w][\w \-/+]*):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)/g;

function parseSettingsLine(line: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  let count = 0;
  for (const m of line.matchAll(PARAM_RE)) {
    const key = m[1]?.trim();
    let value = (m[2] ?? '').trim();
    if (!key) continue;
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        // Not valid JSON after all: keep it as written.
      }
    }
    out[key] = value;
    count++;
  }
  // A1111 treats the last line as settings only when it holds at least 3 pairs.
  return count >= 3 ? out : null;
}

export function parseA1111Parameters(text: string): A1111Parameters {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let settings: Record<string, string> = {};
  const last = lines[lines.length - 1] ?? '';
  const parsed = lines.length > 1 || /Steps:/.test(last) ? parseSettingsLine(last) : null;
  if (parsed) {
    settings = parsed;
    lines.pop();
  }
  const promptLines: string[] = [];
  const negLines: string[] = [];
  let inNeg = false;
  for (const l of lines) {
    if (!inNeg && l.startsWith('Negative prompt:')) {
      inNeg = true;
      negLines.push(l.slice('Negative prompt:'.length).trim());
    } else (inNeg ? negLines : promptLines).push(l);
  }
  return { prompt: promptLines.join('\n').trim(), negativePrompt: negLines.join('\n').trim(), settings };
}
