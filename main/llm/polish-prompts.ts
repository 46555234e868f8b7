import Anthropic from '@anthropic-ai/sdk';
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { AppError } from '../core/app-error.ts';
import { mentions } from '../intake/template/style-terms.ts';
import { recordLlmUsage } from './usage-repo.ts';

export interface PolishInput {
  row: number;
  prompt: string;
  /** Terms that must survive verbatim (locked style keywords). */
  lockedTerms?: readonly string[];
}

export interface PolishResult {
  row: number;
  original: string;
  /** The prompt to use: polished when valid, otherwise the original. */
  prompt: string;
  polished: boolean;
  /** Why the original was kept. */
  error?: string;
}

export interface PolishOptions {
  client: Anthropic;
  model?: string;
  /** Records tokens and cost in llm_usage when given. */
  db?: Database;
  batchId?: string | null;
  /** Prompts per request. */
  chunkSize?: number;
  /** Style the prompts should read in (e.g. profile keywords), as guidance for the rewrite. */
  styleHint?: string;
  signal?: AbortSignal;
}

export interface PolishSummary {
  results: PolishResult[];
  inputTokens: number;
  outputTokens: number;
  requests: number;
}

export const DEFAULT_POLISH_MODEL = 'claude-haiku-4-5';
/** SDXL prompts past ~75 CLIP tokens are truncated; keep rewrites short. */
export const MAX_POLISHED_CHARS = 400;

const PolishReply = z.object({
  prompts: z.array(z.object({ row: z.number().int(), prompt: z.string() })),
});

const REPLY_SCHEMA = {
  type: 'object',
  properties: {
    prompts: {
      type: 'array',
      items: {
        type: 'object',
        properties: { row: { type: 'integer' }, prompt: { type: 'string' } },
        required: ['row', 'prompt'],
        additionalProperties: false,
      },
    },
  },
  required: ['prompts'],
  additionalProperties: false,
} as const;

const SYSTEM = [
  'You polish text-to-image prompts for Stable Diffusion XL.',
  'For each input prompt, return a clearer, more concrete prompt of at most 60 words: keep the subject and every detail,',
  'order it subject → details → style, use comma-separated descriptive phrases, no sentences about the image, no quality spam.',
  'Keep every phrase listed under "keep" exactly as written. Do not invent brands or text to render.',
  'Answer with JSON only: {"prompts":[{"row":<row>,"prompt":"<polished>"}]} with one entry per input row.',
].join(' ');

/**
 * Optional Claude rewrite of prompts, chunked. Every failure mode — API error after the SDK's
 * retries, malformed JSON, a missing row, a dropped locked term, an over-long rewrite — falls
 * back to the unpolished prompt with the reason, so polish can never lose a row.
 * An invalid API key (401/403) stops the run with a clear error instead.
 */
export async function polishPrompts(inputs: readonly PolishInput[], options: PolishOptions): Promise<PolishSummary> {
  const model = options.model ?? DEFAULT_POLISH_MODEL;
  const chunkSize = options.chunkSize ?? 20;
  const results: PolishResult[] = [];
  let inputTokens = 0;
  let outputTokens = 0;
  let requests = 0;

  for (let i = 0; i < inputs.length; i += chunkSize) {
    const chunk = inputs.slice(i, i + chunkSize);
    const fallback = (error: string) => chunk.forEach((c) => results.push({ row: c.row, original: c.prompt, prompt: c.prompt, polished: false, error }));
    let message: Anthropic.Message;
    try {
      requests++;
      message = await options.client.messages.create(
        {
          model,
          // Bounded: ~100 tokens per rewritten prompt plus JSON overhead.
          max_tokens: Math.min(4096, 120 * chunk.length + 256),
          system: SYSTEM,
          messages: [{ role: 'user', content: userMessage(chunk, options.styleHint) }],
          output_config: { format: { type: 'json_schema', schema: REPLY_SCHEMA } },
        },
        options.signal ? { signal: options.signal } : undefined,
      );
    } catch (err) {
      if (err instanceof Anthropic.AuthenticationError || err instanceof Anthropic.PermissionDeniedError) {
        throw new AppError('BadInput', `the Anthropic API key was rejected (${err.status}); set a valid key in Settings → Prompt polish`);
      }
      if (err instanceof Anthropic.APIUserAbortError) throw new AppError('Cancelled', 'prompt polish cancelled');
      const status = err instanceof Anthropic.APIError && err.status ? ` ${err.status}` : '';
      fallback(`Claude API error${status}: ${(err as Error).message}`);
      continue;
    }
    inputTokens += message.usage.input_tokens;
    outputTokens += message.usage.output_tokens;
    if (options.db) {
      recordLlmUsage(options.db, {
        batchId: options.batchId ?? null,
        purpose: 'polish',
        model: message.model || model,
        inputTokens: message.usage.input_tokens,
        outputTokens: message.usage.output_tokens,
      });
    }
    const parsed = parseReply(message);
    if (!parsed.ok) {
      fallback(parsed.error);
      continue;
    }
    const byRow = new Map(parsed.value.prompts.map((p) => [p.row, p.prompt.trim().replace(/\s+/g, ' ')]));
    for (const c of chunk) {
      const polished = byRow.get(c.row) ?? '';
      const reason = rejectReason(polished, c.lockedTerms ?? [], byRow.has(c.row));
      results.push(reason ? { row: c.row, original: c.prompt, prompt: c.prompt, polished: false, error: reason } : { row: c.row, original: c.prompt, prompt: polished, polished: true });
    }
  }
  return { results, inputTokens, outputTokens, requests };
}

function rejectReason(polished: string, locked: readonly string[], present: boolean): string | null {
  if (!present) return 'Claude returned no prompt for this row';
  if (polished === '') return 'Claude returned an empty prompt';
  if (polished.length > MAX_POLISHED_CHARS) return `Claude's rewrite is longer than ${MAX_POLISHED_CHARS} characters`;
  const dropped = locked.find((t) => !mentions(polished, t));
  return dropped ? `Claude dropped the locked term '${dropped}'` : null;
}

function userMessage(chunk: readonly PolishInput[], styleHint?: string): string {
  const items = chunk.map((c) => ({ row: c.row, prompt: c.prompt, keep: c.lockedTerms ?? [] }));
  return `${styleHint ? `Target style: ${styleHint}\n` : ''}Prompts:\n${JSON.stringify(items)}`;
}

function parseReply(message: Anthropic.Message): { ok: true; value: z.infer<typeof PolishReply> } | { ok: false; error: string } {
  if (message.stop_reason === 'max_tokens') return { ok: false, error: 'Claude reply was cut off at max_tokens; kept the original prompt' };
  const text = message.content
    .filter((b): b is Anthropic.TextBlock => b.type === 'text')
    .map((b) => b.text)
    .join('')
    .trim()
    // Tolerate a fenced block, which models sometimes add despite instructions.
    .replace(/^```(?:json)?\s*|\s*```$/g, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: `Claude reply was not valid JSON (starts with ${JSON.stringify(text.slice(0, 40))}); kept the original prompt` };
  }
  const result = PolishReply.safeParse(json);
  if (!result.success) {
    return { ok: false, error: `Claude reply did not match the expected shape (${result.error.issues[0]?.path.join('.') || 'root'}: ${result.error.issues[0]?.message}); kept the original prompt` };
  }
  return { ok: true, value: result.data };
}
