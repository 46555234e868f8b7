import Anthropic from '@anthropic-ai/sdk';
import sharp from 'sharp';
import { z } from 'zod';
import { AppError } from '../core/app-error.ts';
import { TAG_VOCABULARY } from './tag-vocabulary.ts';
import type { Tagger, TaggerInput } from './tagger.ts';
import type { AutoTagging } from './tags-repo.ts';

export interface ClaudeTaggerOptions {
  /** The intake key store (main/llm/); null means "not configured". */
  getApiKey(): Promise<string | null>;
  baseURL?: string;
  model?: string;
  /** Longest side of the image sent; 512 keeps a tagging call to a few hundred input tokens. */
  maxSide?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** Called with token usage so the caller can record cost in llm_usage. */
  onUsage?(usage: { model: string; inputTokens: number; outputTokens: number }): void;
}

const GROUPS = ['scene', 'objects', 'colours', 'mood', 'style', 'composition'] as const;

const ResultSchema = z.object({
  tags: z
    .array(z.object({ tag: z.string().min(1).max(60), group: z.enum(GROUPS), confidence: z.number().min(0).max(1) }))
    .min(1)
    .max(40),
  category: z.string().min(1).max(60).nullable(),
  subcategories: z.array(z.string().min(1).max(60)).max(5),
});

// Written out rather than generated: structured outputs require additionalProperties: false everywhere.
const JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['tags', 'category', 'subcategories'],
  properties: {
    tags: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['tag', 'group', 'confidence'],
        properties: { tag: { type: 'string' }, group: { type: 'string', enum: [...GROUPS] }, confidence: { type: 'number' } },
      },
    },
    category: { type: ['string', 'null'] },
    subcategories: { type: 'array', items: { type: 'string' } },
  },
} as const;

function instructions(): string {
  const hints = TAG_VOCABULARY.map((g) => `${g.group}: e.g. ${g.tags.slice(0, 8).join(', ')}`).join('\n');
  return [
    'Tag this image for a searchable asset library.',
    'Return at least one tag for each group (scene, objects, colours, mood, style, composition) and at least 5 tags in total,',
    'each with a confidence from 0 to 1. Tags are short lower-case phrases. category is the scene type (e.g. "product shot"),',
    'subcategories are up to 3 main objects. Vocabulary hints:',
    hints,
  ].join('\n');
}

/** Optional Claude vision tagger: structured JSON output, validated with zod before it touches the DB. */
export function createClaudeVisionTagger(opts: ClaudeTaggerOptions): Tagger {
  const model = opts.model ?? 'claude-haiku-4-5';
  return {
    source: 'claude',
    async tagImage(input: TaggerInput): Promise<AutoTagging> {
      const apiKey = await opts.getApiKey();
      if (!apiKey) throw new AppError('Unavailable', 'Claude tagging is enabled but no API key is configured');
      const client = new Anthropic({
        apiKey,
        ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
        timeout: opts.timeoutMs ?? 60_000,
        maxRetries: opts.maxRetries ?? 2,
      });
      const side = opts.maxSide ?? 512;
      const jpeg = await (input.encoded ? sharp(input.encoded.data) : sharpFromRgb(input)).resize(side, side, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer();
      let message: Anthropic.Message;
      try {
        message = await client.messages.create({
          model,
          max_tokens: 1024,
          output_config: { format: { type: 'json_schema', schema: JSON_SCHEMA } },
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: jpeg.toString('base64') } },
                { type: 'text', text: instructions() },
              ],
            },
          ],
        });
      } catch (err) {
        throw mapApiError(err);
      }
      opts.onUsage?.({ model: message.model, inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens });
      const text = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new AppError('Inference', 'Claude tagging reply is not JSON', { reply: text.slice(0, 200) });
      }
      const parsed = ResultSchema.safeParse(json);
      if (!parsed.success) {
        throw new AppError('Inference', `Claude tagging reply does not match the schema: ${parsed.error.issues[0]?.message ?? ''}`, {
          path: parsed.error.issues[0]?.path.join('.'),
        });
      }
      return { source: 'claude', tags: parsed.data.tags, category: parsed.data.category, subcategories: parsed.data.subcategories };
    },
  };
}

function sharpFromRgb(input: TaggerInput): sharp.Sharp {
  return sharp(input.image.data, { raw: { width: input.image.width, height: input.image.height, channels: 3 } });
}

function mapApiError(err: unknown): AppError {
  if (err instanceof Anthropic.APIError) {
    const status = err.status ?? 0;
    if (status === 401 || status === 403) return new AppError('BadInput', `Claude rejected the API key (${status})`);
    if (status === 429 || status >= 500) return new AppError('Unavailable', `Claude is busy (${status}): ${err.message}`, { status });
    if (status === 0) return new AppError('Network', `cannot reach Claude: ${err.message}`);
    return new AppError('Inference', `Claude tagging failed (${status}): ${err.message}`, { status });
  }
  return new AppError('Internal', `Claude tagging failed: ${(err as Error).message}`);
}
