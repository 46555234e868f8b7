import type { SchedulerSpec } from '../../../models/manifest.ts';
import { sigmaAt, timestepForSigma, trainSigmas } from './train-sigmas.ts';

/** What a sampler iterates over: one timestep per step, N+1 sigmas ending in 0. */
export interface Schedule {
  timesteps: number[];
  sigmas: number[];
  /** Scale of the initial noise for text-to-image. */
  initNoiseSigma: number;
}

/** numpy's round(): halves go to the even neighbour (937.5 → 938, 812.5 → 812). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** diffusers EulerDiscreteScheduler.set_timesteps for "leading" and "trailing" spacing. */
export function eulerTimesteps(spec: SchedulerSpec, steps: number): number[] {
  const T = spec.trainSteps;
  const out: number[] = [];
  if (spec.timestepSpacing === 'leading') {
    const ratio = Math.floor(T / steps);
    for (let i = steps - 1; i >= 0; i--) out.push(roundHalfEven(i * ratio) + spec.stepsOffset);
  } else {
    const stride = T / steps;
    for (let i = 0; i < steps; i++) out.push(roundHalfEven(T - i * stride) - 1);
  }
  return out;
}

export function eulerSchedule(spec: SchedulerSpec, steps: number): Schedule {
  const train = trainSigmas(spec);
  const timesteps = eulerTimesteps(spec, steps);
  const sigmas = [...timesteps.map((t) => sigmaAt(train, t)), 0];
  const maxSigma = Math.max(...sigmas);
  // diffusers: trailing/linspace start from pure noise at σ_max; leading scales by √(σ²+1).
  const initNoiseSigma = spec.timestepSpacing === 'leading' ? Math.sqrt(maxSigma * maxSigma + 1) : maxSigma;
  return { timesteps, sigmas, initNoiseSigma };
}

/** Karras et al. (2022) ρ-ramp between the training σ_min and σ_max; timesteps by log-σ inverse. */
export function karrasSchedule(spec: SchedulerSpec, steps: number, rho = 7): Schedule {
  const train = trainSigmas(spec);
  const sigmaMin = train[0] ?? 0;
  const sigmaMax = train[train.length - 1] ?? 0;
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  const sigmas: number[] = [];
  for (let i = 0; i < steps; i++) {
    const ramp = steps === 1 ? 0 : i / (steps - 1);
    sigmas.push((maxInv + ramp * (minInv - maxInv)) ** rho);
  }
  // diffusers' DPMSolverMultistepScheduler rounds the mapped timesteps.
  const timesteps = sigmas.map((s) => roundHalfEven(timestepForSigma(train, s)));
  sigmas.push(0);
  const first = sigmas[0] ?? 0;
  return { timesteps, sigmas, initNoiseSigma: Math.sqrt(first * first + 1) };
}

/**
 * img2img: keep the last ⌊N·strength⌋ steps (diffusers' get_timesteps). Returns the index of
 * the first step kept; the start latents are x₀ + σ[start]·noise.
 */
export function img2imgStartIndex(steps: number, strength: number): number {
  const init = Math.min(Math.floor(steps * strength), steps);
  return Math.max(steps - init, 0);
}
