import { describe, expect, it } from 'vitest';
import { ProgressTracker, type DownloadProgress } from '../../../models/downloader/progress.ts';
import { ensureFreeSpace } from '../../../models/downloader/disk-space.ts';
import { backoffDelay } from '../../../models/downloader/backoff.ts';
import { formatBytes, formatDuration } from '../../../models/downloader/format-bytes.ts';

describe('ProgressTracker', () => {
  it('throttles events, measures rate from transferred bytes only and computes ETA', () => {
    let t = 0;
    const events: DownloadProgress[] = [];
    const tr = new ProgressTracker({ total: 10_000, intervalMs: 100, windowMs: 10_000, now: () => t, emit: (e) => events.push(e) });
    tr.addExisting(2_000); // resumed bytes: done, not speed
    for (let i = 0; i < 20; i++) {
      t += 10;
      tr.addTransferred(100); // 100 bytes / 10 ms = 10 kB/s
    }
    // 200 ms of updates every 10 ms, throttled to at most one per 100 ms (plus the first).
    expect(events.length).toBeLessThanOrEqual(3);
    const s = tr.snapshot();
    expect(s.bytesDone).toBe(4_000);
    expect(s.rateBytesPerSec).toBeCloseTo(10_000, 5);
    expect(s.etaSeconds).toBeCloseTo(0.6, 5);
    tr.flush(true);
    expect(events.at(-1)?.done).toBe(true);
    expect(events.at(-1)?.etaSeconds).toBe(0);
  });

  it('reports an unknown ETA before any byte arrives and never a total below done', () => {
    const tr = new ProgressTracker({ total: 10, now: () => 0, emit: () => undefined });
    expect(tr.snapshot().etaSeconds).toBeNull();
    tr.addExisting(15);
    expect(tr.snapshot().bytesTotal).toBe(15);
    tr.discard(100);
    expect(tr.snapshot().bytesDone).toBe(0);
  });
});

describe('helpers', () => {
  it('ensureFreeSpace passes with room and fails with a clear error without', async () => {
    await expect(ensureFreeSpace('/x', 1000, async () => 2000)).resolves.toBeUndefined();
    await expect(ensureFreeSpace('/x', 1000, async () => 1000)).rejects.toThrow(/not enough disk space in \/x/);
  });

  it('backoff grows exponentially with a cap and bounded jitter', () => {
    expect(backoffDelay(0, 500, 30_000, () => 0.5)).toBe(500);
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(4000);
    expect(backoffDelay(20, 500, 30_000, () => 0.5)).toBe(30_000);
    expect(backoffDelay(1, 500, 30_000, () => 0)).toBe(750);
  });

  it('formats bytes and durations', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5.14 * 1024 ** 3)).toBe('5.1 GiB');
    expect(formatDuration(null)).toBe('--:--');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(65)).toBe('01:05');
  });
});
