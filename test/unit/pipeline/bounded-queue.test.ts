import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../../main/pipeline/bounded-queue.ts';
import { KeyedThrottle } from '../../../main/pipeline/throttle.ts';

describe('bounded queue', () => {
  it('makes the producer wait while full (backpressure) and keeps order', async () => {
    const q = new BoundedQueue<number>(2);
    await q.put(1);
    await q.put(2);
    let third = false;
    const p = q.put(3).then(() => (third = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(third).toBe(false);
    expect(await q.take()).toBe(1);
    await p;
    expect(third).toBe(true);
    expect(await q.take()).toBe(2);
    expect(await q.take()).toBe(3);
  });

  it('close drains remaining items then yields null', async () => {
    const q = new BoundedQueue<string>(4);
    await q.put('a');
    const waiting = new BoundedQueue<string>(1).take();
    q.close();
    expect(await q.take()).toBe('a');
    expect(await q.take()).toBeNull();
    void waiting;
  });
});

describe('keyed throttle', () => {
  it('emits at most once per interval per key and never loses the last value', async () => {
    const seen: number[] = [];
    const t = new KeyedThrottle<number>(40, (v) => seen.push(v));
    for (let i = 1; i <= 50; i++) t.push('task', i);
    expect(seen).toEqual([1]);
    await new Promise((r) => setTimeout(r, 60));
    expect(seen).toEqual([1, 50]);
  });
});
