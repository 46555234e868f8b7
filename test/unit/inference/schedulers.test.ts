import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SchedulerSpec } from '../../../models/manifest.ts';
import { createSampler, predictX0, scaleModelInput } from '../../../workers/sdxl/schedulers/samplers.ts';
import { eulerSchedule, img2imgStartIndex, karrasSchedule, roundHalfEven } from '../../../workers/sdxl/schedulers/schedule.ts';
import { trainSigmas } from '../../../workers/sdxl/schedulers/train-sigmas.ts';
import { SeededRandom } from '../../../workers/sdxl/seeded-random.ts';
import { sharedNumericsPath } from '../../fixtures/tiny-packs.ts';

interface EulerRef {
  timesteps: number[];
  sigmas: number[];
  init_noise_sigma: number;
}
const ref = (JSON.parse(readFileSync(sharedNumericsPath(), 'utf8')) as { scheduler: Record<string, unknown> }).scheduler;
const sdxl = SchedulerSpec.parse({});

function expectRelClose(actual: readonly number[], expected: readonly number[], rel = 1e-4): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i] ?? Number.NaN;
    expect(Math.abs(a - e), `index ${i}: ${a} vs ${e}`).toBeLessThanOrEqual(rel * Math.max(Math.abs(e), 1e-12));
  });
}

describe('SDXL schedules match numerics.json', () => {
  it('training sigma range', () => {
    const s = trainSigmas(sdxl);
    expectRelClose([s[0] ?? 0, s[s.length - 1] ?? 0], [ref.train_sigma_min as number, ref.train_sigma_max as number]);
  });

  it.each([
    ['euler_leading_30', 'leading', 30],
    ['euler_trailing_30', 'trailing', 30],
    ['euler_leading_25', 'leading', 25],
    ['euler_trailing_4', 'trailing', 4],
  ] as const)('%s: exact timesteps, sigmas and init_noise_sigma to 1e-4', (key, spacing, steps) => {
    const expected = ref[key] as EulerRef;
    const s = eulerSchedule({ ...sdxl, timestepSpacing: spacing }, steps);
    expect(s.timesteps).toEqual(expected.timesteps);
    expectRelClose(s.sigmas, expected.sigmas);
    expectRelClose([s.initNoiseSigma], [expected.init_noise_sigma]);
  });

  it('karras_30_sigmas (DPM++ 2M Karras)', () => {
    const s = karrasSchedule(sdxl, 30);
    expectRelClose(s.sigmas, ref.karras_30_sigmas as number[]);
    // Timesteps map back through log-σ: first is the last training step, strictly decreasing.
    expect(s.timesteps[0]).toBe(999);
    expect(s.timesteps.every((t, i) => i === 0 || t < (s.timesteps[i - 1] ?? 0))).toBe(true);
  });
});

describe('schedule helpers', () => {
  it('rounds halves to even like numpy', () => {
    expect([0.5, 1.5, 2.5, 937.5, 812.5, -0.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 938, 812, -0, 2, 3]);
  });

  it('img2img keeps the last ⌊N·strength⌋ steps', () => {
    expect(img2imgStartIndex(30, 0.6)).toBe(12);
    expect(img2imgStartIndex(4, 1)).toBe(0);
    expect(img2imgStartIndex(4, 0.1)).toBe(4);
  });
});

describe('samplers', () => {
  const x = Float32Array.from([1, -2, 3, 0.5]);
  const eps = Float32Array.from([0.1, 0.2, -0.3, 0.4]);

  it('scale_model_input divides by √(σ²+1); x₀ = x − σ·ε', () => {
    expect([...scaleModelInput(x, 2)]).toEqual([...x].map((v) => Math.fround(v / Math.sqrt(5))));
    expect(predictX0(x, eps, 2)[0]).toBeCloseTo(0.8, 6);
  });

  it('Euler step is x + ε·(σ_next − σ)', () => {
    const s = createSampler('euler', sdxl, 30, new SeededRandom(1));
    const [s0 = 0, s1 = 0] = s.schedule.sigmas;
    const next = s.step(0, x, eps);
    expect(next[1]).toBeCloseTo(-2 + 0.2 * (s1 - s0), 5);
  });

  it('Euler ancestral adds seeded noise and is reproducible', () => {
    const a = createSampler('euler_a', sdxl, 10, new SeededRandom(5)).step(0, x, eps);
    const b = createSampler('euler_a', sdxl, 10, new SeededRandom(5)).step(0, x, eps);
    const c = createSampler('euler_a', sdxl, 10, new SeededRandom(6)).step(0, x, eps);
    const plain = createSampler('euler', sdxl, 10, new SeededRandom(5)).step(0, x, eps);
    expect([...a]).toEqual([...b]);
    expect([...a]).not.toEqual([...c]);
    expect([...a]).not.toEqual([...plain]);
  });

  it('DPM++ 2M: first step first-order, later steps use history, last step returns x₀', () => {
    const sampler = createSampler('dpmpp_2m_karras', sdxl, 3, new SeededRandom(1));
    const { sigmas } = sampler.schedule;
    const s0 = sigmas[0] ?? 0;
    const s1 = sigmas[1] ?? 0;
    const first = sampler.step(0, x, eps);
    const d0 = predictX0(x, eps, s0);
    const h = Math.log(s0 / s1);
    expect(first[0]).toBeCloseTo((s1 / s0) * (x[0] ?? 0) - Math.expm1(-h) * (d0[0] ?? 0), 4);
    // A changed ε (a constant one makes every x₀ prediction equal, hiding the history term).
    const eps2 = Float32Array.from([0.3, -0.1, 0.2, 0]);
    const second = sampler.step(1, first, eps2);
    const firstOrder = createSampler('dpmpp_2m_karras', sdxl, 3, new SeededRandom(1));
    // Same inputs without history (fresh sampler jumping to step 1) must differ: history is used.
    expect([...second]).not.toEqual([...firstOrder.step(1, first, eps2)]);
    const last = sampler.step(2, second, eps);
    expect([...last]).toEqual([...predictX0(second, eps, sigmas[2] ?? 0)]);
  });
});

describe('SeededRandom', () => {
  it('is deterministic per seed and standard normal', () => {
    expect([...new SeededRandom(42).gaussianArray(8)]).toEqual([...new SeededRandom(42).gaussianArray(8)]);
    expect([...new SeededRandom(42).gaussianArray(8)]).not.toEqual([...new SeededRandom(43).gaussianArray(8)]);
    // High seed bits matter too.
    expect([...new SeededRandom(2 ** 40).gaussianArray(4)]).not.toEqual([...new SeededRandom(0).gaussianArray(4)]);
    const n = new SeededRandom(7).gaussianArray(50_000);
    const mean = n.reduce((a, b) => a + b, 0) / n.length;
    const variance = n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
  });

  it('rejects seeds that are not non-negative safe integers', () => {
    expect(() => new SeededRandom(-1)).toThrow(RangeError);
    expect(() => new SeededRandom(1.5)).toThrow(RangeError);
  });
});
