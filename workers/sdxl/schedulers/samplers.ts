import { WorkerError } from '../../protocol.ts';
import type { SchedulerSpec } from '../../../models/manifest.ts';
import type { SeededRandom } from '../seeded-random.ts';
import { eulerSchedule, karrasSchedule, type Schedule } from './schedule.ts';

export const SAMPLERS = ['euler', 'euler_a', 'dpmpp_2m_karras'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/**
 * Samplers in the k-diffusion formulation diffusers uses for SDXL: x lives at scale σ, the
 * model sees x/√(σ²+1) and predicts ε, and x₀ = x − σ·ε (epsilon prediction).
 */
export interface Sampler {
  readonly schedule: Schedule;
  /** Advances x from sigmas[i] to sigmas[i+1] given the guided model output ε at step i. */
  step(i: number, x: Float32Array, eps: Float32Array): Float32Array;
}

export function createSampler(name: SamplerName, spec: SchedulerSpec, steps: number, rng: SeededRandom): Sampler {
  if (spec.predictionType !== 'epsilon') throw new WorkerError('BadInput', `prediction type ${spec.predictionType} is not supported yet`);
  switch (name) {
    case 'euler':
      return euler(eulerSchedule(spec, steps));
    case 'euler_a':
      return eulerAncestral(eulerSchedule(spec, steps), rng);
    case 'dpmpp_2m_karras':
      return dpmpp2m(karrasSchedule(spec, steps));
    default:
      throw new WorkerError('BadInput', `unknown sampler ${String(name satisfies never)}`);
  }
}

/** Model input scaling: x / √(σ²+1). */
export function scaleModelInput(x: Float32Array, sigma: number): Float32Array {
  const k = 1 / Math.sqrt(sigma * sigma + 1);
  const out = new Float32Array(x.length);
  for (let j = 0; j < x.length; j++) out[j] = (x[j] ?? 0) * k;
  return out;
}

/** Predicted clean latents x₀ = x − σ·ε (also what the preview shows). */
export function predictX0(x: Float32Array, eps: Float32Array, sigma: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let j = 0; j < x.length; j++) out[j] = (x[j] ?? 0) - sigma * (eps[j] ?? 0);
  return out;
}

function sigmaPair(schedule: Schedule, i: number): [number, number] {
  return [schedule.sigmas[i] ?? 0, schedule.sigmas[i + 1] ?? 0];
}

function euler(schedule: Schedule): Sampler {
  return {
    schedule,
    step(i, x, eps) {
      const [s, sNext] = sigmaPair(schedule, i);
      // derivative (x − x₀)/σ equals ε, so x_next = x + ε·(σ_next − σ).
      const dt = sNext - s;
      const out = new Float32Array(x.length);
      for (let j = 0; j < x.length; j++) out[j] = (x[j] ?? 0) + (eps[j] ?? 0) * dt;
      return out;
    },
  };
}

function eulerAncestral(schedule: Schedule, rng: SeededRandom): Sampler {
  return {
    schedule,
    step(i, x, eps) {
      const [s, sNext] = sigmaPair(schedule, i);
      const sUp = Math.sqrt((sNext * sNext * (s * s - sNext * sNext)) / (s * s));
      const sDown = Math.sqrt(sNext * sNext - sUp * sUp);
      const dt = sDown - s;
      const out = new Float32Array(x.length);
      for (let j = 0; j < x.length; j++) out[j] = (x[j] ?? 0) + (eps[j] ?? 0) * dt;
      // Fresh noise only while σ_up > 0 (never on the final step), drawn from the seeded stream.
      if (sUp > 0) for (let j = 0; j < x.length; j++) out[j] = (out[j] ?? 0) + rng.nextGaussian() * sUp;
      return out;
    },
  };
}

/** DPM-Solver++(2M) (Lu et al. 2022), k-diffusion's sample_dpmpp_2m; first order on the last step. */
function dpmpp2m(schedule: Schedule): Sampler {
  let oldDenoised: Float32Array | null = null;
  let prevIndex = -2;
  return {
    schedule,
    step(i, x, eps) {
      const [s, sNext] = sigmaPair(schedule, i);
      const denoised = predictX0(x, eps, s);
      const out = new Float32Array(x.length);
      if (sNext === 0) {
        out.set(denoised);
      } else {
        const t = -Math.log(s);
        const tNext = -Math.log(sNext);
        const h = tNext - t;
        const ratio = sNext / s;
        const coef = -Math.expm1(-h);
        // The history is only valid for the step right before this one (img2img starts mid-way).
        const prev = oldDenoised !== null && prevIndex === i - 1 ? oldDenoised : null;
        if (prev === null) {
          for (let j = 0; j < x.length; j++) out[j] = ratio * (x[j] ?? 0) + coef * (denoised[j] ?? 0);
        } else {
          const sPrev = schedule.sigmas[i - 1] ?? s;
          const r = (t - -Math.log(sPrev)) / h;
          const a = 1 + 1 / (2 * r);
          const b = 1 / (2 * r);
          for (let j = 0; j < x.length; j++) out[j] = ratio * (x[j] ?? 0) + coef * (a * (denoised[j] ?? 0) - b * (prev[j] ?? 0));
        }
      }
      oldDenoised = denoised;
      prevIndex = i;
      return out;
    },
  };
}
