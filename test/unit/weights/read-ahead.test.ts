import { describe, expect, it } from 'vitest';
import { BytePool } from '../../../models/onnx-edit/byte-pool.ts';
import { ReadAhead } from '../../../models/onnx-edit/read-ahead.ts';
import { kernelMemoryOf } from '../../../workers/wasm/kernel-buffer.ts';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('read-ahead within a byte budget', () => {
  it('starts items in order while they fit, a larger one alone, and never holds more than budget + one item', async () => {
    const sizes = [10, 10, 10, 10, 50, 10, 10];
    const started: number[] = [];
    let held = 0;
    let peak = 0;
    const reads = new ReadAhead(
      sizes,
      async (k) => {
        started.push(k);
        held += sizes[k]!;
        peak = Math.max(peak, held);
        return k * 100;
      },
      25,
    );
    // Nothing starts before the first take.
    expect(started).toEqual([]);
    expect(await reads.take(0, () => undefined)).toBe(0);
    expect(started).toEqual([0, 1]); // 10 + 10 ≤ 25; a third would make 30
    const results: number[] = [await reads.take(1, () => undefined)];
    const release = (k: number): void => {
      held -= sizes[k]!;
      reads.release(sizes[k]!);
    };
    release(0);
    expect(started).toEqual([0, 1, 2]);
    // Item 3 cannot start until something is released: take waits and asks for it (beforeWait).
    let asked = 0;
    const third = reads.take(2, () => asked++);
    results.push(await third);
    const fourth = reads.take(3, () => asked++);
    await tick();
    expect(started).toEqual([0, 1, 2]);
    expect(asked).toBe(1);
    release(1);
    results.push(await fourth);
    release(2);
    release(3);
    // The 50-byte item is over the budget: it starts only when nothing else is held.
    results.push(await reads.take(4, () => undefined));
    expect(started).toContain(4);
    release(4);
    results.push(await reads.take(5, () => undefined), await reads.take(6, () => undefined));
    expect(results).toEqual([100, 200, 300, 400, 500, 600]);
    expect(peak).toBeLessThanOrEqual(25 + 50);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('passes a failure through to the take of that item, not to the items before it', async () => {
    const reads = new ReadAhead([1, 1, 1], async (k) => (k === 1 ? Promise.reject(new Error(`item ${k} failed`)) : k), 10);
    expect(await reads.take(0, () => undefined)).toBe(0);
    await expect(reads.take(1, () => undefined)).rejects.toThrow(/item 1 failed/);
    await reads.settle();
  });
});

describe('byte pool', () => {
  it('lends large buffers from wasm memories, reuses a returned one and drops free ones when idle', async () => {
    const pool = new BytePool(1024 * 1024, 8, 30);
    const a = pool.take(2 * 1024 * 1024);
    expect(kernelMemoryOf(a)).toBeDefined();
    expect(a.byteLength).toBe(2 * 1024 * 1024);
    pool.give(a);
    const b = pool.take(1024 * 1024 + 5);
    expect(b.buffer).toBe(a.buffer); // the same memory, a shorter view
    expect(b.byteLength).toBe(1024 * 1024 + 5);
    pool.give(b);
    await new Promise((r) => setTimeout(r, 80));
    expect(pool.take(1024 * 1024).buffer).not.toBe(a.buffer);
    // Small buffers are plain ones and never pooled.
    const small = pool.take(100);
    expect(kernelMemoryOf(small)).toBeUndefined();
  });
});
