import { describe, expect, it } from 'vitest';
import { backoffMs, classifyError, smallerBucket } from '../../../main/pipeline/error-policy.ts';

describe('error policy', () => {
  it('classifies kinds', () => {
    for (const k of ['OutOfMemory', 'Timeout', 'Network', 'Unavailable', 'Internal', 'Inference'] as const) expect(classifyError({ kind: k, message: '' })).toBe('transient');
    for (const k of ['BadInput', 'ModelMissing', 'NotFound'] as const) expect(classifyError({ kind: k, message: '' })).toBe('fatal');
    expect(classifyError({ kind: 'Cancelled', message: '' })).toBe('cancelled');
    expect(classifyError({ kind: 'BadInput', message: 'rate limited', detail: { status: 429 } })).toBe('transient');
    expect(classifyError({ kind: 'BadInput', message: 'bad', detail: { status: 400 } })).toBe('fatal');
  });

  it('backs off 1 s, 2 s, 4 s', () => {
    expect([1, 2, 3].map((n) => backoffMs(n, 1000))).toEqual([1000, 2000, 4000]);
  });

  it('steps down to the next smaller size bucket, multiples of 8, and stops at the floor', () => {
    expect(smallerBucket({ width: 1024, height: 1024 })).toEqual({ width: 768, height: 768 });
    expect(smallerBucket({ width: 1216, height: 832 })).toEqual({ width: 912, height: 624 });
    expect(smallerBucket({ width: 64, height: 64 })).toBeNull();
  });
});
