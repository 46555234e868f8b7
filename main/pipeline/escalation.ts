import type { AttemptPlan, AttemptRecord, EscalationNote, GenerationParams, TaskRecord } from './types.ts';

/** What the generation stage can do, so rung 3 picks a style-weight knob the pack really has. */
export interface GenerateCapabilities {
  ipAdapter: boolean;
  img2img: boolean;
}

export interface EscalationOptions {
  guidanceStep: number;
  /** Rung 3: steps × this factor (fewer steps keep the composition closer to the style prior). */
  stepsFactor: number;
  ipAdapterStep: number;
  img2imgStrength: number;
}

export const DEFAULT_ESCALATION: EscalationOptions = { guidanceStep: 1, stepsFactor: 0.75, ipAdapterStep: 0.2, img2imgStrength: 0.6 };

/**
 * The style-retry ladder (ARCHITECTURE.md, issue 6 §3), cumulative on the task's base recipe:
 * rung 1: guidance + 1; rung 2: + the profile's style keywords in the prompt; rung 3: starting
 * from the best previous attempt, fewer steps and more style weight (IP-Adapter scale, else
 * img2img from that attempt's image, else recorded as not applicable). Rungs past 3 (when a
 * batch allows more retries) repeat rung 3 with the next seed so they are not identical tries.
 */
export function planStyleRetry(
  task: Pick<TaskRecord, 'prompt' | 'negativePrompt' | 'params'>,
  rung: number,
  ctx: { keywords: readonly string[]; capabilities: GenerateCapabilities; best?: AttemptRecord | undefined },
  opts: EscalationOptions = DEFAULT_ESCALATION,
): AttemptPlan {
  const applied: string[] = [];
  const note: EscalationNote = { rung, applied };
  let params: GenerationParams = { ...task.params, guidance: task.params.guidance + opts.guidanceStep };
  applied.push(`guidance ${task.params.guidance} → ${params.guidance}`);
  let prompt = task.prompt;
  if (rung >= 2) {
    const missing = ctx.keywords.filter((k) => !prompt.toLowerCase().includes(k.toLowerCase()));
    if (missing.length > 0) {
      prompt = `${prompt}, ${missing.join(', ')}`;
      applied.push(`style keywords: ${missing.join(', ')}`);
    } else if (rung === 2) {
      note.notApplicable = ctx.keywords.length === 0 ? 'the profile has no style keywords' : 'the prompt already has every style keyword';
    }
  }
  if (rung >= 3) {
    const best = ctx.best;
    if (best) {
      prompt = best.prompt.length >= prompt.length ? best.prompt : prompt;
      const { escalation: _e, note: _n, ...bestParams } = best.params;
      params = { ...(bestParams as GenerationParams) };
      applied.push(`from best attempt #${best.n}`);
    }
    const steps = Math.max(1, Math.round(params.steps * opts.stepsFactor));
    applied.push(`steps ${params.steps} → ${steps}`);
    params.steps = steps;
    if (ctx.capabilities.ipAdapter) {
      const scale = Math.min(1, Math.round(((params.ipAdapterScale ?? 0.5) + opts.ipAdapterStep) * 100) / 100);
      applied.push(`IP-Adapter scale ${params.ipAdapterScale ?? 0.5} → ${scale}`);
      params.ipAdapterScale = scale;
    } else if (ctx.capabilities.img2img && best?.imagePath) {
      params.initImagePath = best.imagePath;
      params.strength = opts.img2imgStrength;
      applied.push(`img2img from attempt #${best.n} at strength ${opts.img2imgStrength}`);
    } else {
      note.notApplicable = ctx.capabilities.img2img
        ? 'no previous attempt image to start img2img from'
        : 'the pack supports neither IP-Adapter nor img2img';
    }
    if (rung > 3) {
      params.seed = task.params.seed + (rung - 3);
      applied.push(`seed ${task.params.seed} → ${params.seed}`);
    }
  }
  return { kind: 'style-retry', prompt, negativePrompt: task.negativePrompt, params, escalation: note };
}
