import { z } from 'zod';
import { AppError } from '../../core/app-error.ts';
import { issuesToSentences } from '../../core/issue-sentences.ts';
import { formatSize, isAllowedSize, SDXL_LIMITS, type PackLimits } from './pack-limits.ts';

export const SAMPLERS = ['euler', 'euler_a', 'dpmpp_2m_karras'] as const;
export type Sampler = (typeof SAMPLERS)[number];

/** include: injected unless the prompt already says it; lock: always injected and kept by polish; drop: never. */
export const StyleGroupMode = z.enum(['include', 'lock', 'drop']);
export type StyleGroupMode = z.infer<typeof StyleGroupMode>;

const styleGroup = z.object({
  mode: StyleGroupMode.default('include'),
  /** Replaces the profile's keywords for this group when given. */
  keywords: z.array(z.string().min(1)).optional(),
});

export const StyleInjection = z.object({
  colours: styleGroup.default({ mode: 'include' }),
  lighting: styleGroup.default({ mode: 'include' }),
  composition: styleGroup.default({ mode: 'include' }),
  medium: styleGroup.default({ mode: 'include' }),
});
export type StyleInjection = z.infer<typeof StyleInjection>;

export const Thresholds = z.object({
  /** Overall calibrated style score to pass (REFERENCE.md: 0.85). */
  style: z.number().min(0).max(1).default(0.85),
  clip: z.number().min(0).max(1).default(0.85),
  /** Colour distance 0–100, lower is better. */
  colour: z.number().min(0).max(100).default(15),
  edge: z.number().min(0).max(1).default(0.8),
  preflight: z.number().min(0).max(1).default(0.75),
});
export type Thresholds = z.infer<typeof Thresholds>;

const MAX_SEED = 4_294_967_295;

/**
 * The full recipe of a batch, saved as JSON in batches.config so it can be reproduced.
 * Built per pack: defaults and ranges come from PackLimits (SDXL product ranges, or a test /
 * distilled pack's manifest defaults).
 */
export function batchConfigSchema(limits: PackLimits = SDXL_LIMITS) {
  return z
    .object({
      packId: z.string().min(1).default('sdxl-base-1.0'),
      width: z.number().int().positive().default(limits.defaultSize.width),
      height: z.number().int().positive().default(limits.defaultSize.height),
      steps: z.number().int().min(limits.steps.min).max(limits.steps.max).default(limits.steps.default),
      guidance: z.number().min(limits.guidance.min).max(limits.guidance.max).default(limits.guidance.default),
      sampler: z.enum(SAMPLERS).default('euler'),
      seed: z
        .object({
          /** random: a fresh seed per row, drawn once and recorded; fixed: base + row index. */
          mode: z.enum(['random', 'fixed']).default('random'),
          base: z.number().int().min(0).max(MAX_SEED).default(0),
        })
        .default({ mode: 'random', base: 0 }),
      negativePrompt: z.string().default(''),
      qualityNegatives: z.boolean().default(true),
      style: StyleInjection.default({
        colours: { mode: 'include' },
        lighting: { mode: 'include' },
        composition: { mode: 'include' },
        medium: { mode: 'include' },
      }),
      thresholds: Thresholds.default({ style: 0.85, clip: 0.85, colour: 15, edge: 0.8, preflight: 0.75 }),
      retries: z.number().int().min(0).max(10).default(3),
      concurrency: z.number().int().min(1).max(16).default(1),
      lowConfidence: z.enum(['continue', 'hold']).default('continue'),
      polish: z.boolean().default(false),
      polishModel: z.string().min(1).default('claude-haiku-4-5'),
    })
    .superRefine((c, ctx) => {
      if (!isAllowedSize(limits, c)) {
        ctx.addIssue({
          code: 'custom',
          path: ['width'],
          message: `size ${c.width}x${c.height} is not allowed for this pack; choose one of ${limits.sizes.map(formatSize).join(', ')}`,
        });
      }
    });
}

export const BatchConfig = batchConfigSchema();
export type BatchConfig = z.infer<typeof BatchConfig>;
export type BatchConfigInput = z.input<typeof BatchConfig>;

/** Validates user input (UI form, CLI flags, hot-folder sidecar) into a full config. */
export function parseBatchConfig(input: unknown, limits: PackLimits = SDXL_LIMITS): BatchConfig {
  const result = batchConfigSchema(limits).safeParse(input ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
    throw new AppError('BadInput', issuesToSentences(result.error.issues, input), { issues });
  }
  return result.data;
}

/** The JSON stored in batches.config; parseBatchConfig(JSON.parse(s)) reproduces it exactly. */
export function serialiseBatchConfig(config: BatchConfig): string {
  return JSON.stringify(config);
}
