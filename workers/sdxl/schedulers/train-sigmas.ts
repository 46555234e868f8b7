import type { SchedulerSpec } from '../../../models/manifest.ts';

/**
 * σ_t = √((1−ᾱ_t)/ᾱ_t) for every training timestep, from the model's beta schedule
 * ("scaled_linear": betas = linspace(√β₀, √β₁, T)², as SDXL was trained). Float64 throughout;
 * numerics.json was produced in float32 and agrees to ~1e-6 relative.
 */
export function trainSigmas(spec: SchedulerSpec): Float64Array {
  const T = spec.trainSteps;
  const sigmas = new Float64Array(T);
  let alphaCumprod = 1;
  for (let i = 0; i < T; i++) {
    const frac = T === 1 ? 0 : i / (T - 1);
    const beta =
      spec.betaSchedule === 'scaled_linear'
        ? (Math.sqrt(spec.betaStart) + frac * (Math.sqrt(spec.betaEnd) - Math.sqrt(spec.betaStart))) ** 2
        : spec.betaStart + frac * (spec.betaEnd - spec.betaStart);
    alphaCumprod *= 1 - beta;
    sigmas[i] = Math.sqrt((1 - alphaCumprod) / alphaCumprod);
  }
  return sigmas;
}

/** σ at a (possibly fractional) timestep by linear interpolation, as np.interp does. */
export function sigmaAt(sigmas: Float64Array, t: number): number {
  const last = sigmas.length - 1;
  if (t <= 0) return sigmas[0] ?? 0;
  if (t >= last) return sigmas[last] ?? 0;
  const lo = Math.floor(t);
  const w = t - lo;
  return (sigmas[lo] ?? 0) * (1 - w) + (sigmas[lo + 1] ?? 0) * w;
}

/** Inverse of sigmaAt in log-σ space (diffusers' `_sigma_to_t`), for Karras schedules. */
export function timestepForSigma(sigmas: Float64Array, sigma: number): number {
  const logS = Math.log(sigma);
  const last = sigmas.length - 1;
  if (logS <= Math.log(sigmas[0] ?? 1)) return 0;
  if (logS >= Math.log(sigmas[last] ?? 1)) return last;
  let lo = 0;
  while (lo < last - 1 && Math.log(sigmas[lo + 1] ?? 0) <= logS) lo++;
  const a = Math.log(sigmas[lo] ?? 1);
  const b = Math.log(sigmas[lo + 1] ?? 1);
  const w = (a - logS) / (a - b);
  return (1 - w) * lo + w * (lo + 1);
}
