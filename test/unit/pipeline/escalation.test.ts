import { describe, expect, it } from 'vitest';
import { planStyleRetry } from '../../../main/pipeline/escalation.ts';
import { toStyleScores } from '../../../main/pipeline/records/style-scores.ts';
import type { AttemptRecord } from '../../../main/pipeline/types.ts';

const task = { prompt: 'a mug', negativePrompt: 'blurry', params: { width: 64, height: 64, steps: 20, guidance: 7, sampler: 'euler', seed: 5 } };
const caps = { ipAdapter: false, img2img: false };

function attempt(n: number, over: Partial<AttemptRecord>): AttemptRecord {
  return {
    id: n, taskId: 't', n, kind: 'style-retry', prompt: task.prompt, negativePrompt: '', params: { ...task.params }, outcome: 'failed',
    scores: toStyleScores({ styleScore: 0.5 }), styleScore: 0.5, errorKind: null, error: null, imagePath: `attempts/b/t-${n}.png`, gpuMs: 1, timings: null, startedAt: 0, endedAt: 1, ...over,
  };
}

describe('style retry ladder', () => {
  it('rung 1 raises guidance by one and leaves the prompt alone', () => {
    const p = planStyleRetry(task, 1, { keywords: ['warm'], capabilities: caps });
    expect(p.params.guidance).toBe(8);
    expect(p.prompt).toBe('a mug');
    expect(p.kind).toBe('style-retry');
    expect(p.escalation?.rung).toBe(1);
  });

  it('rung 2 adds only the style keywords the prompt lacks', () => {
    const p = planStyleRetry({ ...task, prompt: 'a Warm mug' }, 2, { keywords: ['warm', 'soft lighting'], capabilities: caps });
    expect(p.prompt).toBe('a Warm mug, soft lighting');
    expect(p.params.guidance).toBe(8);
  });

  it('rung 2 records when there is nothing to add', () => {
    expect(planStyleRetry(task, 2, { keywords: [], capabilities: caps }).escalation?.notApplicable).toMatch(/no style keywords/);
  });

  it('rung 3 starts from the best attempt, lowers steps and prefers IP-Adapter', () => {
    const best = attempt(3, { prompt: 'a mug, warm', params: { ...task.params, guidance: 8 } });
    const p = planStyleRetry(task, 3, { keywords: ['warm'], capabilities: { ipAdapter: true, img2img: true }, best });
    expect(p.prompt).toBe('a mug, warm');
    expect(p.params.steps).toBe(15);
    expect(p.params.guidance).toBe(8);
    expect(p.params.ipAdapterScale).toBe(0.7);
    expect(p.params.initImagePath).toBeUndefined();
  });

  it('rung 3 falls back to img2img from the best attempt image, else records not applicable', () => {
    const best = attempt(2, {});
    const img = planStyleRetry(task, 3, { keywords: [], capabilities: { ipAdapter: false, img2img: true }, best });
    expect(img.params.initImagePath).toBe('attempts/b/t-2.png');
    expect(img.params.strength).toBe(0.6);
    const none = planStyleRetry(task, 3, { keywords: [], capabilities: caps, best });
    expect(none.escalation?.notApplicable).toMatch(/neither IP-Adapter nor img2img/);
    expect(none.params.steps).toBe(15);
  });

  it('rungs past 3 move to the next seed so tries differ', () => {
    expect(planStyleRetry(task, 5, { keywords: [], capabilities: caps }).params.seed).toBe(7);
  });
});
