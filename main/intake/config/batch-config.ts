import type { z } from 'zod';
import { AppError } from '../../core/app-error.ts';
import { issuesToSentences } from '../../core/issue-sentences.ts';
import {
  BatchConfigSchema,
  SamplerSchema,
  StyleGroupModeSchema,
  StyleInjectionConfigSchema,
  ThresholdsSchema,
  type BatchConfig as BatchConfigRecord,
  type BatchConfigInput as BatchConfigInputType,
} from '../../../preload/api.ts';
import { formatSize, isAllowedSize, SDXL_LIMITS, type PackLimits } from './pack-limits.ts';

/**
 * Intake's view of THE batch config (preload/api.ts BatchConfigSchema: one set of fields and
 * limits for the contract, the New batch form, the hot-folder sidecar and the CLI flags), plus
 * what only intake knows: the chosen model pack's defaults and narrower ranges.
 */
export const SAMPLERS = SamplerSchema.options;
export type Sampler = z.infer<typeof SamplerSchema>;
export const StyleGroupMode = StyleGroupModeSchema;
export type StyleGroupMode = z.infer<typeof StyleGroupModeSchema>;
export const StyleInjection = StyleInjectionConfigSchema;
export type StyleInjection = z.infer<typeof StyleInjectionConfigSchema>;
export const Thresholds = ThresholdsSchema;
export type Thresholds = z.infer<typeof ThresholdsSchema>;

export const BatchConfig = BatchConfigSchema;
export type BatchConfig = BatchConfigRecord;
export type BatchConfigInput = BatchConfigInputType;

/** The shared schema with the pack's defaults (size, steps, guidance) and its narrower ranges checked. */
export function batchConfigSchema(limits: PackLimits = SDXL_LIMITS) {
  return BatchConfigSchema.extend({
    width: BatchConfigSchema.shape.width.unwrap().default(limits.defaultSize.width),
    height: BatchConfigSchema.shape.height.unwrap().default(limits.defaultSize.height),
    steps: BatchConfigSchema.shape.steps.unwrap().default(limits.steps.default),
    guidance: BatchConfigSchema.shape.guidance.unwrap().default(limits.guidance.default),
  }).superRefine((c, ctx) => {
    if (c.steps < limits.steps.min || c.steps > limits.steps.max) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: `must be between ${limits.steps.min} and ${limits.steps.max} for this pack` });
    }
    if (c.guidance < limits.guidance.min || c.guidance > limits.guidance.max) {
      ctx.addIssue({ code: 'custom', path: ['guidance'], message: `must be between ${limits.guidance.min} and ${limits.guidance.max} for this pack` });
    }
    if (!isAllowedSize(limits, c)) {
      ctx.addIssue({
        code: 'custom',
        path: ['width'],
        message: `size ${c.width}x${c.height} is not allowed for this pack; choose one of ${limits.sizes.map(formatSize).join(', ')}`,
      });
    }
  });
}

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
